"""Issue 14's layering: no rule module imports another rule module (what two rules share lives
in migrator/analysis/ or migrator/translate/), no analysis or translation module imports a rule,
and no analysis reads the options or the enabled rules (it reads ``ctx.switches``,
engine/switches.py). Reads the sources as text; no TensorFlow."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "migrator"
_RULE_IMPORT = re.compile(r"^\s*from\s+(\.|\.\.rules\.|migrator\.rules\.)tfm\d+\w*\s+import|^\s*from\s+(\.|\.\.rules|migrator\.rules)\s+import\s+tfm\d+",
                          re.M)


def _hits(folder: str, pattern: re.Pattern) -> list[str]:
    out = []
    for p in sorted((ROOT / folder).glob("*.py")):
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                out.append(f"{p.name}:{i}: {line.strip()}")
    return out


def test_no_rule_imports_another_rule():
    assert _hits("rules", _RULE_IMPORT) == []  # side-effect imports (from . import tfmNNN) count too


def test_analysis_and_translate_import_no_rule():
    assert _hits("analysis", _RULE_IMPORT) == []
    assert _hits("translate", _RULE_IMPORT) == []


def test_no_analysis_reads_the_options():
    reads = re.compile(r"\bctx\.(options|rule_active)\b|\boptions\.(fixes|fix_enabled|classes_of|select|ignore)\b")
    hits = [h for h in _hits("analysis", reads) if not h.split(": ", 1)[1].startswith(("#", '"', "def "))
            and not h.startswith("modules.py")]  # modules.py: the runner's cross-file pass builds Options
    assert hits == []


def test_the_patterns_find_what_they_look_for():
    assert _RULE_IMPORT.search("        from .tfm162_variable_program import VariableProgram")
    assert _RULE_IMPORT.search("from ..rules.tfm202_unconnected_feeds import Feeds")
    assert _RULE_IMPORT.search("from . import tfm112_residual_blocks  # noqa: F401")
    assert not _RULE_IMPORT.search("from ..analysis.variable_program import VariableProgram")
    assert not _RULE_IMPORT.search("from ..translate import residual_helpers as _residual_helpers")
