"""Weighted tf.layers calls that share their variables BY NAME in straight-line code:

    e1 = tf.layers.dense(x1, 16, name='fc')
    e2 = tf.layers.dense(x2, 16, name='fc', reuse=True)

(or the second under ``with tf.variable_scope('s', reuse=True):`` around the same ``name=``).
TF1 makes the variables ``fc/kernel`` and ``fc/bias`` at the first call and hands the same ones to
the second: one layer. No tower function is involved, so the Sharing interpreter (which runs
builders called twice) never sees them. Each such call becomes ``tf1_layer('<scope>/fc', lambda:
keras.layers.Dense(16))(x)`` (TFM131): the first makes the layer, the later ones get it.

Only calls whose full TF1 name is known from the code: a literal ``name=``, inside ``with
tf.variable_scope('<literal>')`` blocks only (no ``as`` target, no ``name_scope`` - which names no
variables but is left alone here), outside loops and comprehensions, in the module's code or in a
function the file calls at most once; every call of a name sits in that one scope, the first one
creates (no ``reuse=True``, no reusing scope around it) and every later one reuses. Anything else
is left to the other rules (TFM131 marks ``reuse=`` TODO)."""
from __future__ import annotations

import libcst as cst

from ..cstcache import walk
from ..emit import literal

_LAYERS = ("tensorflow.layers.dense", "tensorflow.layers.conv2d", "tensorflow.layers.conv1d")


class NamedLayerReuse:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.keys: dict[int, str] = {}  # id(layer call) -> its TF1 scope name (the store's key)
        self._run()

    def key_of(self, call: cst.Call) -> str | None:
        return self.keys.get(id(call))

    def _reuse(self, call: cst.Call) -> bool | None:
        """The call's own ``reuse=``: True, False / absent (None counts as absent), or None when
        not a literal."""
        a = next((x for x in call.args if x.keyword is not None and x.keyword.value == "reuse"), None)
        if a is None:
            return False
        v = literal(a.value, "?")
        if v is None or v is False:
            return False
        if v is True:
            return True
        return None

    def _frames(self, call: cst.Call):
        """(literal scope names outermost first, whether one reuses, the Python scope node) or
        None when the path is not known / the call runs more than once."""
        ctx = self.ctx
        names: list[str] = []
        reuse = False
        n = ctx.parent(call)
        while n is not None and not isinstance(n, (cst.FunctionDef, cst.Module)):
            if isinstance(n, (cst.For, cst.While, cst.Lambda, cst.ListComp, cst.GeneratorExp, cst.DictComp,
                              cst.SetComp, cst.ClassDef)):
                return None
            if isinstance(n, cst.With):
                for item in n.items:
                    c = item.item
                    q = ctx.legacy_name(c) if isinstance(c, cst.Call) else None
                    if q in ("tensorflow.variable_scope", "tensorflow.compat.v1.variable_scope"):
                        if item.asname is not None or not c.args or c.args[0].keyword is not None:
                            return None
                        name = literal(c.args[0].value, None)
                        if not isinstance(name, str):
                            return None
                        r = next((x.value for x in c.args[1:] if x.keyword is not None and x.keyword.value == "reuse"),
                                 None)
                        rv = literal(r, "?") if r is not None else None
                        if rv is True:
                            reuse = True
                        elif rv not in (None, False):
                            return None
                        if any(x.keyword is None for x in c.args[1:]):
                            return None
                        names.append(name)
                    elif q is not None and q.startswith("tensorflow."):
                        if q not in ("tensorflow.name_scope", "tensorflow.device"):
                            return None
            n = ctx.parent(n)
        return list(reversed(names)), reuse, n

    def _run(self) -> None:
        ctx = self.ctx
        calls = [n for n in walk(ctx.module) if isinstance(n, cst.Call) and ctx.legacy_name(n) in _LAYERS]
        if len(calls) < 2 or not any(self._reuse(c) for c in calls) and not any(
                isinstance(n, cst.Call) and ctx.legacy_name(n) == "tensorflow.variable_scope" for n in walk(ctx.module)):
            return
        by_key: dict[str, list] = {}
        for c in calls:
            a = next((x for x in c.args if x.keyword is not None and x.keyword.value == "name"), None)
            name = literal(a.value, None) if a is not None else None
            fr = self._frames(c) if isinstance(name, str) else None
            if fr is None:
                continue
            scopes, reuse, home = fr
            own = self._reuse(c)
            if own is None:
                continue
            by_key.setdefault("/".join([*scopes, name]), []).append((c, reuse or own, home))
        for key, group in by_key.items():
            if len(group) < 2 or len({id(h) for _, _, h in group}) != 1:
                continue
            home = group[0][2]
            if isinstance(home, cst.FunctionDef) and not self._once(home):
                continue
            if group[0][1] or not all(r for _, r, _ in group[1:]):
                continue  # the first must create, every later one reuse (else TF1 raised)
            for c, _, _ in group:
                self.keys[id(c)] = key

    def _once(self, fn: cst.FunctionDef) -> bool:
        """The file calls ``fn`` (by its name) at most once, outside loops."""
        sites = [n for n in walk(self.ctx.module) if isinstance(n, cst.Name) and n.value == fn.name.value
                 and n is not fn.name]
        if len(sites) > 1:
            return False
        for s in sites:
            p = self.ctx.parent(s)
            if not (isinstance(p, cst.Call) and p.func is s) or self.ctx.loops_around(p):
                return False
        return True
