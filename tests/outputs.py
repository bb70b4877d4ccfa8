"""Checks on migrated text shared by the held-out form tests."""
from __future__ import annotations

import builtins

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider


def undefined_names(code: str) -> set[str]:
    """Names ``code`` reads that nothing binds (module scope, functions, builtins), by libcst's
    scope analysis: an output must never read a name it no longer binds."""
    w = MetadataWrapper(cst.parse_module(code))
    missing = set()
    for s in set(w.resolve(ScopeProvider).values()):
        if s is None:
            continue
        for acc in s.accesses:
            if not acc.referents and acc.node.value not in dir(builtins) and acc.node.value != "__file__":
                missing.add(acc.node.value)
    return missing
