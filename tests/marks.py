"""``marked``: the migrated text carries a TODO marker (containing ``text``) for the statement
line ``stmt`` - at its end, or on the comment line directly above it (where the layout pass
puts a marker that would take the line past 100 columns)."""
from __future__ import annotations

from migrator import TODO_MARKER


def marked(code: str, stmt: str, text: str = "") -> bool:
    lines = code.splitlines()
    for i, line in enumerate(lines):
        head, _, comment = line.partition("  # ")
        if head.strip() != stmt.strip():
            continue
        if TODO_MARKER in comment and text in comment:
            return True
        above = lines[i - 1].strip() if i else ""
        if above.startswith(f"# {TODO_MARKER}") and text in above:
            return True
    return False
