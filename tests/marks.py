"""``marked``: the migrated text carries a TODO marker (containing ``text``) for the statement
line ``stmt`` - at its end, or on the comment lines directly above it (where the layout pass
puts a marker that would take the line past 100 columns, wrapped: the marker's first line, then
``#   `` continuation lines)."""
from __future__ import annotations

from migrator import TODO_MARKER


def marker_above(lines: list[str], i: int) -> str:
    """The TODO marker directly above line ``i`` as one line (its wrapped continuation lines
    joined), or ``""``."""
    parts: list[str] = []
    j = i - 1
    while j >= 0 and lines[j].strip().startswith("#   "):
        parts.insert(0, lines[j].strip()[1:].strip())
        j -= 1
    if j >= 0 and lines[j].strip().startswith(f"# {TODO_MARKER}"):
        return " ".join([lines[j].strip(), *parts])
    return ""


def unwrap_markers(code: str) -> str:
    """``code`` with each wrapped TODO marker joined back onto its first line (for tests that
    look for a phrase of a marker's message)."""
    out: list[str] = []
    in_marker = False
    for line in code.splitlines():
        if in_marker and line.strip().startswith("#   "):
            out[-1] += " " + line.strip()[1:].strip()
            continue
        in_marker = line.strip().startswith(f"# {TODO_MARKER}")
        out.append(line)
    return "\n".join(out) + ("\n" if code.endswith("\n") else "")


def marked(code: str, stmt: str, text: str = "") -> bool:
    lines = code.splitlines()
    for i, line in enumerate(lines):
        head, _, comment = line.partition("  # ")
        if head.strip() != stmt.strip():
            continue
        if TODO_MARKER in comment and text in comment:
            return True
        above = marker_above(lines, i)
        if above and text in above:
            return True
    return False
