"""Whether the TF1 program around a tower stays TF1 (TFM201, TFM205)."""
from __future__ import annotations
import libcst as cst


def _program_stays_tf1(ctx, node: cst.CSTNode) -> bool:
    """A Keras encoder inside a Session program that TFM140 keeps as TF1 would be half a
    translation (and a second run would read it differently): such towers are not fixed."""
    from ..analysis.tf1_program import TF1Program
    from ..analysis.session_runs import SessionProgramRuns

    prog = ctx.analysis(TF1Program).program_of(node)
    return prog is not None and bool(prog.runs) and not SessionProgramRuns.translates(ctx, prog)
