"""Inline suppression (``# tflearn-migrate: ignore[TFM303]``) and the engine's own rule IDs."""
from __future__ import annotations

import re

from ..analysis.bindings import KEPT_ID

UNTRANSLATED_ID = "TFM100"
INTERNAL_ERROR_ID = "TFM009"
WIDENED_ID = "TFM014"  # an inline suppression had to cover the whole file
INVARIANT_ERRORS = frozenset({"TFM010", "TFM011", "TFM012"})

# inline suppression: ``# tflearn-migrate: ignore`` / ``# tflearn-migrate: ignore[TFM303, TFM2]``
SUPPRESS_RE = re.compile(r"#.*?\btflearn-migrate:\s*ignore\b(?:\[([^\]]*)\])?", re.I)
SUPPRESS_ALL = "*"
# the invariant's diagnostics and TODO markers cannot be suppressed: legacy code that stays is
# always marked (TFM100), kept statements are always said (TFM013), broken names are errors
UNSUPPRESSIBLE = frozenset({UNTRANSLATED_ID, KEPT_ID, INTERNAL_ERROR_ID, WIDENED_ID}) | INVARIANT_ERRORS


def suppression_lines(source: str) -> dict[int, frozenset[str]]:
    """Line -> rule IDs (or prefixes; ``*`` for all) named by ``# tflearn-migrate: ignore[...]``
    comments (comment tokens only: never text inside a string)."""
    if "tflearn-migrate:" not in source.lower():
        return {}
    import io
    import tokenize

    out: dict[int, frozenset[str]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.COMMENT:
                continue
            m = SUPPRESS_RE.match(tok.string)
            if m is None:
                continue
            ids = frozenset(t.strip().upper() for t in (m.group(1) or "").split(",") if t.strip())
            out[tok.start[0]] = out.get(tok.start[0], frozenset()) | (ids or {SUPPRESS_ALL})
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def is_suppressed(ids: frozenset[str] | None, rule_id: str) -> bool:
    if not ids or rule_id in UNSUPPRESSIBLE:
        return False
    return SUPPRESS_ALL in ids or any(rule_id == p or rule_id.startswith(p) for p in ids)
