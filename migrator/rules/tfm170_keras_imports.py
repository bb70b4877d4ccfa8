"""TFM170: tf.keras / Keras 2 import paths -> Keras 3 (``import keras``)."""
from __future__ import annotations

import libcst as cst

from ..names import dotted
from .base import Case, Rule

from ..translate.keras_paths import keras3_module


_LEGACY_OPTIMIZERS = {"tensorflow.keras.optimizers.legacy", "keras.optimizers.legacy"}


def _mod_node(name: str) -> cst.Attribute | cst.Name:
    return cst.parse_expression(name)  # type: ignore[return-value]


class KerasImports(Rule):
    ID = "TFM170"
    TRIGGERS = ("keras",)
    NAME = "keras3-imports"
    MESSAGE = "tf.keras / Keras 2 import paths -> Keras 3 (import keras)"
    RATIONALE = ("Keras 3 is the standalone `keras` package; `tf.keras` (Keras 2 under TF 2.16+ needs "
                 "tf-keras) and Keras 2 submodules (keras.layers.core, keras.engine...) are gone. "
                 "Public names are the same, so only import paths change.")

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        if original.relative or original.module is None:
            return updated
        mod = dotted(original.module) or ""
        if mod == "tensorflow" and not isinstance(original.names, cst.ImportStar) and all(
                dotted(a.name) == "keras" for a in original.names):
            self.ctx.count(self)
            a = original.names[0]
            return cst.Import(names=[cst.ImportAlias(name=cst.Name("keras"), asname=a.asname)])
        new = keras3_module(mod)
        if new is None:
            return updated
        self.ctx.count(self)
        return updated.with_changes(module=_mod_node(new))

    def leave_Import(self, original: cst.Import, updated: cst.Import):
        names = []
        changed = False
        for a in updated.names:
            mod = dotted(a.name) or ""
            new = keras3_module(mod)
            if new is not None:
                changed = True
                if a.asname is None:  # `import tensorflow.keras` binds `tensorflow`: keep a usable name
                    a = a.with_changes(name=_mod_node(new), asname=None)
                else:
                    a = a.with_changes(name=_mod_node(new))
            names.append(a)
        if not changed:
            return updated
        self.ctx.count(self)
        return updated.with_changes(names=names)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        q = self.ctx.qualified(original)
        if "tensorflow.keras" in q:
            self.ctx.add_import("keras")
            self.ctx.count(self)
            return cst.Name("keras")
        if q & _LEGACY_OPTIMIZERS and isinstance(updated.value, (cst.Attribute, cst.Name)):
            # tf.keras.optimizers.legacy.X: Keras 3 has no legacy module (its import raises)
            self.ctx.count(self)
            return updated.value
        return updated

    VALID = ["import keras\nfrom keras.layers import Dense\n"]
    INVALID = [
        Case("from tensorflow import keras\nfrom tensorflow.keras.layers import Dense\n"
             "from keras.layers.core import Lambda\n",
             # (the tf.keras import nothing reads is an unused legacy import: removed, as under its old path)
             "import keras\nfrom keras.layers import Lambda\n"),
        Case("import tensorflow as tf\nm = tf.keras.models.Sequential([tf.keras.layers.Dense(2)])\n",
             "import keras\n\nm = keras.models.Sequential([keras.layers.Dense(2)])\n"),
        # Keras 3 has no optimizers.legacy (importing it raises): the same optimizers
        Case("import tensorflow as tf\nfrom tensorflow.keras.optimizers.legacy import RMSprop\n"
             "a = RMSprop(clipnorm=1.)\nb = tf.keras.optimizers.legacy.Adam(1e-3)\n",
             "from keras.optimizers import RMSprop\nimport keras\n\n"
             "a = RMSprop(clipnorm=1.)\nb = keras.optimizers.Adam(1e-3)\n"),
    ]
