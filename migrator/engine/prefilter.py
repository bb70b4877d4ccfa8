"""Cheap text scans: does a file need migrating at all (``has_legacy_import``), can a rule do
anything in it (``may_fire``, ``Rule.TRIGGERS``)."""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..rules.base import Rule

_LEGACY_WORD = re.compile(r"\b(?:tflearn|tensorflow|keras)\b")
_IMPORT_WORD = re.compile(r"\bimport\b")


def has_legacy_import(source: str) -> bool:
    """Cheap pre-check: files that import none of tflearn / tensorflow / keras are left alone
    without building any metadata (most files of a real repository). Deliberately loose: any
    file naming a legacy module and holding an import statement is migrated, so no import
    form is missed (``import os, tflearn``, ``import os; import tensorflow as tf``, imports
    inside ``if``/``try``, continuation lines)."""
    return _LEGACY_WORD.search(source) is not None and _IMPORT_WORD.search(source) is not None


# the prefilter (issue 13): a rule whose TRIGGERS words all miss the file's text is not run there
PREFILTER = not os.environ.get("MIGRATOR_NO_PREFILTER")
_STAR_IMPORT = re.compile(r"\bimport[\s\\]*\*")


def may_fire(cls: type[Rule], source: str, _seen: dict | None = None) -> bool:
    """Can rule ``cls`` do anything in a file with this text? (``Rule.TRIGGERS``: a cheap text
    scan; ``_seen`` memoises the words already looked up for this text.)"""
    words = cls.TRIGGERS
    if words is None or not PREFILTER:
        return True
    seen = {} if _seen is None else _seen

    def has(w: str) -> bool:
        hit = seen.get(w)
        if hit is None:
            hit = seen[w] = w in source or (w == "tensorflow" and _STAR_IMPORT.search(source) is not None)
        return hit

    # a word, or a tuple of words that must all occur
    return any(has(w) if isinstance(w, str) else all(has(x) for x in w) for w in words)
