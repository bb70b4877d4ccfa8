"""Helper definitions that migrated code may need (pure Keras 3 / NumPy).

Some tflearn behaviour has no one-call Keras equivalent (e.g. tflearn's
``data_utils.shuffle``). Rules ask for a helper with ``ctx.use_helper(name)``; the
engine then inserts its definition once, after the module's imports, under a marker
comment. Helper code must never import TensorFlow.
"""
from __future__ import annotations

from dataclasses import dataclass, field

HELPER_MARKER = "# tflearn-migrate helper:"


@dataclass(frozen=True)
class Helper:
    name: str
    code: str  # defines ``name`` at module level
    imports: tuple[tuple[str, str | None, str | None], ...] = ()  # (module, obj, asname)
    requires: tuple[str, ...] = field(default=())  # other helpers it uses


HELPERS: dict[str, Helper] = {}


def register(name: str, code: str, imports=(), requires=()) -> Helper:
    h = Helper(name, code.strip("\n") + "\n", tuple(imports), tuple(requires))
    existing = HELPERS.get(name)
    if existing is not None and existing != h:
        raise ValueError(f"helper {name!r} registered twice with different code")
    HELPERS[name] = h
    return h
