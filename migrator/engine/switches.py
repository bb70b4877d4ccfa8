"""Switches: what the analyses' answers depend on besides the file itself, decided once per file
from the run's options and enabled rules (``FileContext.switches``).

An analysis (migrator/analysis/) is a function of the tree and these flags: it never reads
``ctx.options`` or ``ctx.rule_active``. Which other rule's work an analysis takes into account
(TFM142 removing the summaries, TFM202's fix rewiring feeds, ...) is stated here, in one place;
rules read the options themselves."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Switches:
    # TFM142 on: summary runs, fetched summaries and FileWriters go with the summaries
    summaries_removed: bool = False
    # TFM202's fix applies (fixes on, TFM202 on): TF1Program follows its feed_dict rewiring
    feeds_rewired: bool = False
    # TFM201's fix on (TFM201 on, fixes on): unshared towers get their own layers, no TF1 store
    towers_unshared: bool = False
    # TFM164 on: an eager program may step through a tf.data iterator
    eager_datasets: bool = False
    # TFM161 on: sampled losses (nce_loss, embedding_lookup) in a tf.Variable program translate
    sampled_losses: bool = False
    # TFM135 on: hand-made layers take variables out of a tf.Variable program
    handmade_layers: bool = False
    # TFM127 on: tflearn programs with scope-selected train ops (GANs) get the trainer plan
    scoped_trainops: bool = False
    # TFM205 on: towers sharing their variables become one encoder (one call of the builder)
    shared_encoders: bool = False
    # facts of the run's other files (Options.classes): model classes they define / instantiate
    class_facts: tuple = ()
    # the classes this file defines that other files of the run instantiate (Options.classes_of)
    exported_classes: dict[str, Any] = field(default_factory=dict)
    # the names other files of the run import from this one (Options.exports_of; "*": any)
    exported_names: frozenset = frozenset()

    @classmethod
    def of(cls, ctx) -> "Switches":
        options, on = ctx.options, ctx.rule_active
        facts = getattr(options, "classes", ()) or ()
        return cls(
            summaries_removed=on("TFM142"),
            feeds_rewired=bool(options.fixes) and on("TFM202"),
            towers_unshared=on("TFM201") and options.fix_enabled("TFM201", False),
            eager_datasets=on("TFM164"),
            sampled_losses=on("TFM161"),
            handmade_layers=on("TFM135"),
            scoped_trainops=on("TFM127"),
            shared_encoders=on("TFM205"),
            class_facts=tuple(facts),
            exported_classes=dict(options.classes_of(ctx.path)) if facts else {},
            exported_names=frozenset(options.exports_of(ctx.path)),
        )
