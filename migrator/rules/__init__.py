"""Rule registry: every ``Rule`` subclass defined in a module of this package.

One rule per file, named ``tfmNNN_<name>.py`` (``base.py``: the Rule / CallRule classes).
What several rules share lives outside this package: analyses in ``migrator/analysis/``,
translation building blocks (defaults, layer emission, the shared encoder) in
``migrator/translate/``. Modules whose name starts with ``_`` are not scanned.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import lru_cache

from .base import CallRule, Rule


@lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(mod).values():
            if (inspect.isclass(obj) and issubclass(obj, Rule) and obj not in (Rule, CallRule)
                    and obj.__module__ == mod.__name__ and "ID" in vars(obj)):
                if obj.ID in found:
                    raise RuntimeError(f"duplicate rule ID {obj.ID}: {obj} and {found[obj.ID]}")
                found[obj.ID] = obj
    return tuple(sorted(found.values(), key=lambda r: r.ID))


def rule_by_id(rule_id: str) -> type[Rule]:
    for r in all_rules():
        if r.ID == rule_id:
            return r
    raise KeyError(rule_id)
