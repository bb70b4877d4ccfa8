"""TFM172: Keras 2 API names -> Keras 3 (lr=, Model(input=, output=), fit_generator ...)."""
from __future__ import annotations

import libcst as cst

from ..diagnostics import Severity
from ..helpers import register_source
from ..translate.keras_paths import keras3_module
from .base import Case, Rule

register_source("tf1_programs", "keras3_batches")

_GENERATOR_METHODS = {"fit_generator": "fit", "predict_generator": "predict", "evaluate_generator": "evaluate"}
_DROPPED_FIT_ARGS = ("workers", "use_multiprocessing", "max_queue_size")


class Keras2Api(Rule):
    ID = "TFM172"
    TRIGGERS = ("keras", "_generator")  # keras names, or any x.fit_generator(...)
    NAME = "keras2-api"
    MESSAGE = "Keras 2 API -> Keras 3 (lr -> learning_rate, Model(input, output), fit_generator -> fit)"
    RATIONALE = ("Keras 3 removed the Keras 2 aliases: optimizers take learning_rate (lr= raises), "
                 "Model takes inputs=/outputs=, fit/predict/evaluate accept generators directly "
                 "(fit_generator & co. are gone, as are workers/use_multiprocessing/max_queue_size, "
                 "which only tuned the queue, not the computation); Keras 3 reads several inputs "
                 "from a generator only as a tuple, so the generator is wrapped in keras3_batches. An optimizer decay= (Keras 2's "
                 "1/(1 + decay * iterations) schedule) has no Keras 3 argument: TODO.")

    def _q(self, node) -> set[str]:
        try:
            return self.ctx.qualified(node)
        except Exception:
            return set()

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        q = self._q(original.func)
        # under its Keras 3 path (``from keras.engine import Model``: TFM170 writes keras.models)
        for mod, _, attr in [n.rpartition(".") for n in q]:
            new_mod = keras3_module(mod) if mod else None
            if new_mod:
                q = q | {f"{new_mod}.{attr}"}
        is_opt = any(n.startswith(("keras.optimizers.", "tensorflow.keras.optimizers.")) for n in q)
        is_model = bool(q & {"keras.Model", "keras.models.Model", "tensorflow.keras.Model",
                             "tensorflow.keras.models.Model"})
        args = list(updated.args)
        changed = False
        if is_opt:
            for i, a in enumerate(args):
                if a.keyword is not None and a.keyword.value == "lr":
                    args[i] = a.with_changes(keyword=cst.Name("learning_rate"))
                    changed = True
                if a.keyword is not None and a.keyword.value == "decay":
                    self.todo(original, "optimizer decay= (Keras 2 time-based decay) has no Keras 3 "
                              "argument: use a keras.optimizers.schedules.InverseTimeDecay")
                    return updated
        if is_model:
            for i, a in enumerate(args):
                if a.keyword is not None and a.keyword.value in ("input", "output"):
                    args[i] = a.with_changes(keyword=cst.Name(a.keyword.value + "s"))
                    changed = True
        f = updated.func
        if isinstance(f, cst.Attribute) and f.attr.value in _GENERATOR_METHODS and not any(
                n.startswith(("keras.", "tensorflow.")) for n in q):
            kept = []
            for a in args:
                if a.keyword is not None and a.keyword.value in _DROPPED_FIT_ARGS:
                    self.report(original, f"{a.keyword.value}= dropped (Keras 3 fit has no such argument)",
                                severity=Severity.INFO)
                    continue
                kept.append(a)
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                if kept[0].keyword is None:
                    self.ctx.use_helper("keras3_batches")
                    kept[0] = kept[0].with_changes(value=cst.Call(func=cst.Name("keras3_batches"),
                                                                  args=[cst.Arg(kept[0].value)]))
            args = kept
            f = f.with_changes(attr=cst.Name(_GENERATOR_METHODS[f.attr.value]))
            changed = True
        if not changed:
            return updated
        self.ctx.count(self)
        return updated.with_changes(func=f, args=args)

    VALID = ["import keras\nopt = keras.optimizers.Adam(learning_rate=0.1)\nm.fit(x, y)\n"]
    INVALID = [
        Case("from keras.optimizers import Adam\nfrom keras.models import Model\n"
             "m = Model(input=[a, b], output=out)\nm.compile(optimizer=Adam(lr=0.001), loss='mse')\n"
             "m.fit_generator(gen, steps_per_epoch=10, epochs=2, workers=4)\n",
             "from keras.optimizers import Adam\nfrom keras.models import Model\n\n\n"
             "# tflearn-migrate helper: keras3_batches\ndef keras3_batches(batches):\n"
             "    \"\"\"Batches of a Keras 2 generator, as Keras 3 reads them: several inputs as a tuple.\"\"\"\n"
             "    for batch in batches:\n"
             "        if isinstance(batch, (list, tuple)) and batch and isinstance(batch[0], list):\n"
             "            batch = (tuple(batch[0]),) + tuple(batch[1:])\n        yield batch\n\n\n"
             "m = Model(inputs=[a, b], outputs=out)\nm.compile(optimizer=Adam(learning_rate=0.001), loss='mse')\n"
             "m.fit(keras3_batches(gen), steps_per_epoch=10, epochs=2)\n", ("TFM172",)),
        Case("import keras\nopt = keras.optimizers.SGD(lr=0.1, decay=1e-6)\n", None, ("TFM172",), todo=True),
    ]
