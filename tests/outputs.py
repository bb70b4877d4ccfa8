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


def migrate_text(src: str, fixes: bool = False, name: str = "x.py") -> str:
    """``src`` migrated by the engine (faithful by default); ``src`` itself when nothing changes."""
    from migrator.engine import migrate_source
    from migrator.options import Options

    out = migrate_source(src, name, Options(fixes=fixes)).code
    return out if out is not None else src


def body(out: str) -> str:
    """The migrated text after its module docstring (which names the legacy spelling)."""
    return out.split('"""', 2)[2] if out.startswith('"""') else out


def assert_idempotent(out: str, fixes: bool = False) -> None:
    """A second run changes nothing."""
    from migrator.engine import migrate_source
    from migrator.options import Options

    assert migrate_source(out, "again.py", Options(fixes=fixes)).code in (None, out)


def assert_clean(out: str, fixes: bool = False) -> None:
    """A whole program translated: no TODO marker, no legacy reference outside one, no name read
    that the output leaves unbound, and a second run changes nothing."""
    from migrator import TODO_MARKER
    from migrator.check import legacy_refs_outside_todo

    assert TODO_MARKER not in out
    assert not legacy_refs_outside_todo(out)
    assert not undefined_names(out)
    assert_idempotent(out, fixes)
