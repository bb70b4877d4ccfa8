"""TFM129: a tflearn layer name given twice -> the unique name tflearn's scope made of it.

tflearn layers open ``tf.variable_scope(scope, default_name=name)`` (conv_2d, fully_connected,
batch_normalization, embedding, the recurrent layers ...) or ``tf.name_scope(name)`` (pools,
dropout, merge, input_data's placeholder): TF1 makes each name unique in the graph - the
second ``name='inception_4a_1_1'`` became ``inception_4a_1_1_1``, the next
``inception_4a_1_1_2``, always the smallest ``_k`` not in use (``_get_unique_variable_scope``,
``Graph.unique_name``). Keras keeps ``name=`` as given and refuses a model with two layers of
one name. The duplicate literal is rewritten to the name TF1 gave it, so the migrated layer
keeps tflearn's name (checkpoint scopes, ``get_layer``) and the model builds.

Only where the order of creation is known statically: calls in straight-line module-level
statements (evaluation order: inner calls first), in a file that never resets the default
graph nor opens another one. A name also used inside a function, loop, ``if``/``with`` block,
or as ``scope=`` (which re-enters the same scope: sharing, TFM206/207) is left alone.
Limit: tflearn's DEFAULT names (``Conv2D``, ``FullyConnected``...) of unnamed layers are not
counted (Keras names those ``conv2d``... itself, so they never clash with a literal).
"""
from __future__ import annotations

import re

import libcst as cst

from .. import cstcache
from ..diagnostics import Severity
from ..emit import call
from ..helpers import HELPERS, register_source
from .base import Case, Rule

_SAFE = re.compile(r"^[A-Za-z0-9_.\-]+$")


def _postorder_calls(node: cst.CSTNode, into_defs: bool = False):
    """Calls under ``node`` in the order they run: arguments (inner calls) before the call
    (function and class bodies skipped unless ``into_defs``)."""
    out: list[cst.Call] = []
    stack: list[tuple[cst.CSTNode, bool]] = [(node, False)]
    while stack:
        n, done = stack.pop()
        if done:
            out.append(n)  # type: ignore[arg-type]
            continue
        if isinstance(n, cst.Lambda) or not into_defs and isinstance(n, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(n, cst.Call):
            stack.append((n, True))
        for c in reversed(cstcache.children(n)):
            stack.append((c, False))
    return out


def _layer_call(ctx, call: cst.Call) -> dict | None:
    """``{"name"/"scope": literal}`` of a tflearn layer call (None if it is not one)."""
    q = ctx.legacy_name(call.func)
    if q is None or not q.startswith("tflearn.layers.") or q.startswith("tflearn.layers.estimator."):
        return None
    kw = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    return {k: v for k, v in kw.items() if k in ("name", "scope")}


class _Names:
    """The duplicated layer names of one file.

    ``renames``: ``{id(original name literal): unique name}`` when every named layer runs
    once, in an order known statically. ``runtime``: the ids of every layer name literal to
    wrap in ``tflearn_layer_name(...)`` when a named layer sits in a function that runs more
    than once (or may: a function passed around, a method) or in a loop - the helper then
    does TF1's uniquing as the program runs (every named layer of the file goes through it,
    so the module-level ones take part in the same count)."""

    def __init__(self, ctx) -> None:
        self.renames: dict[int, str] = {}
        self.runtime: set[int] = set()
        mod = ctx.module
        for c in _postorder_calls(mod, into_defs=True):
            q = ctx.legacy_name(c.func)
            if q and q.startswith("tensorflow") and q.rsplit(".", 1)[-1] in ("reset_default_graph", "Graph"):
                return  # a new graph: names are unique per graph again
        if self._repeats(ctx, mod):
            for c in _postorder_calls(mod, into_defs=True):
                lits = _layer_call(ctx, c)
                if lits and "scope" not in lits and isinstance(lits.get("name"), cst.SimpleString) \
                        and _SAFE.match(str(lits["name"].evaluated_value)):
                    self.runtime.add(id(lits["name"]))
            return
        ordered: list[tuple[str, cst.SimpleString]] = []
        unsure: set[str] = set()
        for stmt in mod.body:
            straight = isinstance(stmt, cst.SimpleStatementLine)
            for c in _postorder_calls(stmt, into_defs=True):
                lits = _layer_call(ctx, c)
                if not lits:
                    continue
                strs = {k: v.evaluated_value for k, v in lits.items()
                        if isinstance(v, cst.SimpleString) and isinstance(v.evaluated_value, str)}
                if "scope" in lits or "name" not in strs:
                    unsure.update(strs.values())
                    continue
                if straight:
                    ordered.append((strs["name"], lits["name"]))  # type: ignore[arg-type]
                else:
                    unsure.add(strs["name"])
        used: set[str] = set()
        for name, node in ordered:
            if name in unsure or name not in used:
                used.add(name)
                continue
            k = 1
            while f"{name}_{k}" in used:
                k += 1
            used.add(f"{name}_{k}")
            if _SAFE.match(name):
                self.renames[id(node)] = f"{name}_{k}"

    @staticmethod
    def _repeats(ctx, mod: cst.Module) -> bool:
        """Does a literally named tflearn layer (no ``scope=``) sit in a loop, a method, or a
        function that is not called exactly once (by name, at module level)?"""
        reads: dict[str, list[cst.Name]] = {}
        for n in cstcache.walk(mod):
            if isinstance(n, cst.Name):
                reads.setdefault(n.value, []).append(n)

        def risky(node: cst.CSTNode, in_loop: bool) -> bool:
            for c in cstcache.children(node):
                if isinstance(c, cst.Call):
                    lits = _layer_call(ctx, c)
                    if lits and "scope" not in lits and isinstance(lits.get("name"), cst.SimpleString) and in_loop:
                        return True
                if isinstance(c, cst.ClassDef):
                    if risky(c, True):
                        return True
                elif isinstance(c, cst.FunctionDef):
                    uses = [r for r in reads.get(c.name.value, []) if r is not c.name]
                    once = len(uses) == 1 and isinstance(ctx.parent(uses[0]), cst.Call) \
                        and ctx.parent(uses[0]).func is uses[0] and not _in_def_or_loop(ctx, uses[0])
                    if risky(c.body, in_loop or not once):
                        return True
                elif isinstance(c, (cst.For, cst.While, cst.ListComp, cst.GeneratorExp, cst.SetComp,
                                    cst.DictComp)):
                    if risky(c, True):
                        return True
                elif risky(c, in_loop):
                    return True
            return False

        return risky(mod, False)


def _in_def_or_loop(ctx, node: cst.CSTNode) -> bool:
    n = ctx.parent(node)
    while n is not None:
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.For, cst.While, cst.Lambda)):
            return True
        n = ctx.parent(n)
    return False


register_source("tflearn_layers", "tflearn_layer_name")


class LayerNames(Rule):
    ID = "TFM129"
    TRIGGERS = (("tflearn", "name"),)  # a literal name= of a tflearn layer
    NAME = "layer-names"
    MESSAGE = "tflearn layer name used twice -> the unique name TF1 gave it (name_1, name_2 ...)"
    RATIONALE = ("tflearn opens a variable/name scope per layer and TF1 makes its name unique "
                 "(the smallest free `_k` suffix); Keras keeps `name=` verbatim and refuses two "
                 "layers of one name in a model. The literal becomes the name the layer had in TF1.")
    ORDER = 5
    REQUIRES = ("TFM101", "TFM102", "TFM103")

    def _table(self) -> dict[int, str]:
        return self.ctx.analysis(_Names).renames

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        if id(original) in self.ctx.analysis(_Names).runtime:
            self.ctx.count(self)
            return call(self.ctx.use_helper("tflearn_layer_name"), updated)
        new = self._table().get(id(original))
        if new is None:
            return updated
        self.report(original, f"layer name {original.evaluated_value!r} already used: TF1 named this layer "
                    f"{new!r}", severity=Severity.INFO)
        self.ctx.count(self)
        return updated.with_changes(value=f"{original.prefix}{original.quote}{new}{original.quote}")

    VALID = [
        # one use each
        "import tflearn\na = tflearn.fully_connected(x, 4, name='a')\n"
        "b = tflearn.fully_connected(a, 4, name='b')\n",
        # a builder called once: its names are ordered statically, none repeats
        "import tflearn\ndef block(x):\n    return tflearn.fully_connected(x, 4, name='fc')\n"
        "y = tflearn.fully_connected(block(x), 4, name='fc2')\n",
        # scope= re-enters the same scope (sharing): never renamed
        "import tflearn\na = tflearn.fully_connected(x, 4, scope='fc')\n"
        "b = tflearn.fully_connected(x, 4, name='fc')\n",
        # a new graph between the two
        "import tflearn\nimport tensorflow as tf\na = tflearn.fully_connected(x, 4, name='fc')\ntf.reset_default_graph()\n"
        "b = tflearn.fully_connected(x, 4, name='fc')\n",
        # not a tflearn layer
        "import keras\na = keras.layers.Dense(4, name='fc')\nb = keras.layers.Dense(4, name='fc')\n",
    ]
    INVALID = [
        Case("from tflearn.layers.conv import conv_2d\n"
             "a = conv_2d(x, 8, 1, name='inception_4a_1_1')\n"
             "b = conv_2d(a, 8, 1, name='inception_4a_1_1')\n"
             "c = conv_2d(b, 8, 1, name=\"inception_4a_1_1\")\n",
             "import keras\n\n"
             "a = keras.layers.Conv2D(\n    8,\n    1,\n    padding='same',\n    kernel_initializer=keras.initializers.LecunUniform(),\n    name='inception_4a_1_1',\n)(x)\n"
             "b = keras.layers.Conv2D(\n    8,\n    1,\n    padding='same',\n    kernel_initializer=keras.initializers.LecunUniform(),\n    name='inception_4a_1_1_1',\n)(a)\n"
             "c = keras.layers.Conv2D(\n    8,\n    1,\n    padding='same',\n    kernel_initializer=keras.initializers.LecunUniform(),\n    name=\"inception_4a_1_1_2\",\n)(b)\n",
             ("TFM129", "TFM129")),
        # inner calls run first; an explicit name already taken by a renamed one moves on
        Case("import tflearn\n"
             "y = tflearn.max_pool_2d(tflearn.max_pool_2d(x, 2, name='p'), 2, name='p')\n"
             "z = tflearn.max_pool_2d(y, 2, name='p_1')\n",
             "import keras\n\n"
             "y = keras.layers.MaxPooling2D(2, padding='same', name='p_1')(keras.layers.MaxPooling2D(2, padding='same', name='p')(x))\n"
             "z = keras.layers.MaxPooling2D(2, padding='same', name='p_1_1')(y)\n",
             ("TFM129", "TFM129")),
        # a builder run several times (here by tflearn.utils.repeat): TF1 made the names unique as
        # the graph was built -> the helper does it at run time, for every named layer of the file
        Case("import tflearn\n"
             "def block(x):\n    return tflearn.fully_connected(x, 4, name='fc')\n"
             "y = tflearn.fully_connected(x, 4, name='fc')\n"
             "z = block(block(y))\n",
             "import tflearn  # TODO(tflearn-migrate): TFM100 import kept for the TODO lines below\n\n\n"
             + HELPERS["tflearn_layer_name"].code.replace(
                 "def tflearn", "# tflearn-migrate helper: tflearn_layer_name\ndef tflearn") + "\n\n"
             "def block(x):\n    return tflearn.fully_connected(x, 4, name=tflearn_layer_name('fc'))\n"
             "y = tflearn.fully_connected(x, 4, name=tflearn_layer_name('fc'))\n"
             "z = block(block(y))\n", (), todo=True),
    ]
