"""The helpers migrated code needs, importable from the installed tool (``--helpers package``).

By default a migrated file carries its helpers itself (``--helpers inline``) or imports them
from a ``tfm_helpers.py`` written next to it (``--helpers module``): the output runs without
tflearn-migrate installed. ``--helpers package`` writes ``from migrator.runtime import ...``
instead, so no helper code is copied into the output at all - the migrated program then needs
this package (and Keras) installed where it runs, the way code converted by python-modernize
needs ``six``.

Each helper is the one defined in ``migrator/helper_src/`` (the same text the other placements
copy); this module finds it on first use. Importing a helper imports Keras (the rewriter itself
never imports this module)."""
from __future__ import annotations

import importlib
import pkgutil

from . import helper_src as _helper_src

_FOUND: dict[str, object] = {}


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(_helper_src.__path__) if not m.name.startswith("_"))


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    if name not in _FOUND:
        bound = []
        for mod in _modules():
            module = importlib.import_module(f"{_helper_src.__name__}.{mod}")
            if name in vars(module):
                value = vars(module)[name]
                if getattr(value, "__module__", None) == module.__name__:  # defined there
                    bound.insert(0, value)
                else:  # a constant, or a sibling's helper imported there
                    bound.append(value)
        if not bound:
            raise AttributeError(f"module {__name__!r} has no helper {name!r}")
        _FOUND[name] = bound[0]
    return _FOUND[name]
