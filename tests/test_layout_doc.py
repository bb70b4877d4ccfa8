"""DEVELOPERS.md's layout matches the tree: every module of migrator/, migrator/engine/ and
migrator/analysis/ is named there, and every file it names exists. No TensorFlow."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layout() -> set[str]:
    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    named: set[str] = set()
    parent = ""
    for line in block.splitlines():
        m = re.match(r"( *)(\S+)", line)
        if m is None:
            continue
        indent, name = len(m.group(1)), m.group(2)
        if indent == 2:
            parent = name if name.endswith("/") else ""
            named.add("migrator/" + name)
        elif indent == 4 and parent:
            named.add("migrator/" + parent + name)
    return named


def test_every_module_is_in_the_layout():
    named = _layout()
    modules = {p.relative_to(ROOT).as_posix() for d in ("migrator", "migrator/engine", "migrator/analysis", "migrator/translate")
               for p in (ROOT / d).glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    assert modules - named == set()


def test_every_named_path_exists():
    named = _layout()
    assert len(named) > 30
    assert [n for n in named if not (ROOT / n).exists()] == []
