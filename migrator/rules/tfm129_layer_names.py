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
from .base import Case, Rule

_SAFE = re.compile(r"^[A-Za-z0-9_.\-]+$")


def _postorder_calls(node: cst.CSTNode):
    """Calls under ``node`` in the order they run: arguments (inner calls) before the call."""
    out: list[cst.Call] = []
    stack: list[tuple[cst.CSTNode, bool]] = [(node, False)]
    while stack:
        n, done = stack.pop()
        if done:
            out.append(n)  # type: ignore[arg-type]
            continue
        if isinstance(n, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(n, cst.Call):
            stack.append((n, True))
        for c in reversed(cstcache.children(n)):
            stack.append((c, False))
    return out


class _Names:
    """``{id(original name literal): unique name}`` for the duplicates of one file."""

    def __init__(self, ctx) -> None:
        self.renames: dict[int, str] = {}
        ordered: list[tuple[str, cst.SimpleString]] = []
        unsure: set[str] = set()
        for stmt in ctx.module.body:
            straight = isinstance(stmt, cst.SimpleStatementLine)
            for call in _postorder_calls(stmt):
                q = ctx.legacy_name(call.func)
                if q is None:
                    continue
                if q.startswith("tensorflow") and q.rsplit(".", 1)[-1] in ("reset_default_graph", "Graph"):
                    return  # a new graph: names are unique per graph again
                if not q.startswith("tflearn.layers.") or q.startswith("tflearn.layers.estimator."):
                    continue
                kw = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
                lits = {k: v.evaluated_value for k, v in kw.items()
                        if k in ("name", "scope") and isinstance(v, cst.SimpleString)
                        and isinstance(v.evaluated_value, str)}
                if "scope" in kw:
                    unsure.update(lits.values())
                    continue
                if "name" not in lits:
                    continue
                if straight:
                    ordered.append((lits["name"], kw["name"]))  # type: ignore[arg-type]
                else:
                    unsure.add(lits["name"])
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


class LayerNames(Rule):
    ID = "TFM129"
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
        # a builder called twice: the scope it runs in decides (not statically ordered)
        "import tflearn\ndef block(x):\n    return tflearn.fully_connected(x, 4, name='fc')\n"
        "y = tflearn.fully_connected(block(x), 4, name='fc')\n",
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
             "a = keras.layers.Conv2D(\n    8,\n    1,\n    padding='same',\n    kernel_initializer=keras.initializers.VarianceScaling(scale=1.0, mode='fan_in', distribution='uniform'),\n    name='inception_4a_1_1',\n)(x)\n"
             "b = keras.layers.Conv2D(\n    8,\n    1,\n    padding='same',\n    kernel_initializer=keras.initializers.VarianceScaling(scale=1.0, mode='fan_in', distribution='uniform'),\n    name='inception_4a_1_1_1',\n)(a)\n"
             "c = keras.layers.Conv2D(\n    8,\n    1,\n    padding='same',\n    kernel_initializer=keras.initializers.VarianceScaling(scale=1.0, mode='fan_in', distribution='uniform'),\n    name=\"inception_4a_1_1_2\",\n)(b)\n",
             ("TFM129", "TFM129")),
        # inner calls run first; an explicit name already taken by a renamed one moves on
        Case("import tflearn\n"
             "y = tflearn.max_pool_2d(tflearn.max_pool_2d(x, 2, name='p'), 2, name='p')\n"
             "z = tflearn.max_pool_2d(y, 2, name='p_1')\n",
             "import keras\n\n"
             "y = keras.layers.MaxPooling2D(\n    pool_size=2,\n    strides=2,\n    padding='same',\n    name='p_1',\n)(keras.layers.MaxPooling2D(\n    pool_size=2,\n    strides=2,\n    padding='same',\n    name='p',\n)(x))\n"
             "z = keras.layers.MaxPooling2D(\n    pool_size=2,\n    strides=2,\n    padding='same',\n    name='p_1_1',\n)(y)\n",
             ("TFM129", "TFM129")),
    ]
