"""Pre-steps: the same TF1 program written in a form the rule pass translates, before the rule
pass runs (one function of ``migrator/analysis/`` each, named by the rule that reports it).

Each pre-step is a pure function of the module that returns the rewritten module, or None when
its form is not there or it declines; it runs only when its rule is enabled and its words occur
in the file. It must never cost a file its migration: an exception keeps the tree as it was. A
pre-step that rewrote the file reports an INFO diagnostic under its rule's ID."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import libcst as cst

from ..diagnostics import Diagnostic, Kind, Severity
from ..options import Options


@dataclass(frozen=True)
class PreStep:
    rule: str
    words: tuple[tuple[str, ...], ...]  # one of these groups must all occur in the file's text
    function: str                         # "module:function" under migrator.analysis
    message: str


PRE_STEPS: tuple[PreStep, ...] = (
    PreStep("TFM175", (("get_total_loss",), ("get_losses",), ("GraphKeys.LOSSES",)),
            "loss_collection:desugar_losses",
            "TF1's LOSSES collection written out: tf.losses.* / add_loss terms named, "
            "get_total_loss() / get_losses() read as their sum / list (the same TF1 program)"),
    PreStep("TFM176", (("should_stop", "StopAtStepHook"),),
            "monitored_sessions:desugar_monitored",
            "monitored-session loop written as the same plain session program: variables initialized, "
            "`while not sess.should_stop()` -> `for _ in range(<StopAtStepHook steps>)` (one training run "
            "per iteration); diagnostics below refer to lines of that form"),
    PreStep("TFM177", (("for",),), "tower_lists:unroll_tower_lists",
            "towers kept in a list built by a loop or a comprehension written out: one named statement per "
            "input (`outs = [net(x) for x in (a, b)]` -> `outs_0 = net(a)`, `outs_1 = net(b)`, `outs[1]` -> "
            "`outs_1`; the same TF1 program); diagnostics below refer to lines of that form"),
)


def run_pre_steps(tree: cst.Module, fctx, options: Options, source: str | None = None) -> tuple[cst.Module, str]:
    """The module after the pre-steps, and its text (printed again only after a pre-step that
    rewrote it; ``source``: the text ``tree`` was parsed from, if known)."""
    code = tree.code if source is None else source
    for step in PRE_STEPS:
        if not any(all(w in code for w in group) for group in step.words) or not options.rule_enabled(step.rule):
            continue
        module, name = step.function.split(":")
        try:
            new = getattr(import_module(f"migrator.analysis.{module}"), name)(tree)
        except Exception:  # a pre-step must never cost the file its migration
            continue
        if new is None:
            continue
        fctx.diagnostics.append(Diagnostic(path=fctx.path, line=1, col=1, rule=step.rule, message=step.message,
                                           severity=Severity.INFO, kind=Kind.TRANSLATE))
        fctx.count(step.rule)
        tree, code = new, new.code
    return tree, code
