"""One migration per input for the whole test run (issue 14: the fast tier on 2 cores).

Many test files migrate the same fixture in the same mode (the corpus invariant test, the
real-world corpus, the per-program tests) and then migrate the output again for
idempotence. ``migrate_source`` here is ``engine.migrate_source`` with a cache keyed by
everything the engine reads: the source text, the path, every field of ``Options`` and the
``MIGRATOR_*`` environment variables. The engine is deterministic (the idempotence tests rest
on it), so a cached result is the result; each call returns a fresh copy (unpickled), so a test
that edits its result cannot change another test's.

The cache lives for one pytest run: in memory, and in a directory that tests/conftest.py
makes for the run (shared by pytest-xdist's workers, removed at the end), so one worker's
migration serves the other. Use it only where a test reads the result; a test about the
engine's own determinism, or one that patches the engine, calls the engine itself.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
from pathlib import Path

from migrator import engine
from migrator.diagnostics import FileResult
from migrator.options import Options

ENV = "TFM_TEST_MIGRATION_CACHE"  # the directory shared by the workers of one run
_migrate = engine.migrate_source  # the engine's own, even where a test patches the module
_memory: dict[str, bytes] = {}
stats = {"hits": 0, "misses": 0}


def _canon(value):
    if isinstance(value, (frozenset, set)):
        return sorted(_canon(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [_canon(v) for v in value]
    return value


def key(source: str, path: str, options: Options) -> str:
    fields = {f.name: _canon(getattr(options, f.name)) for f in dataclasses.fields(options)}
    # the engine reads the run's exports only as ``options.exports_of(path)`` (engine/command.py): a
    # file the rest of the run imports nothing from migrates as with no exports at all
    fields["exports"] = sorted(options.exports_of(path))
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith("MIGRATOR_"))
    blob = json.dumps([source, path, fields, env], sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def migrate_source(source: str, path: str = "<string>", options: Options | None = None) -> FileResult:
    """``engine.migrate_source(source, path, options)``, computed once per run."""
    options = options or Options()
    k = key(source, path, options)
    data = _memory.get(k)
    directory = os.environ.get(ENV)
    if data is None and directory:
        try:
            data = Path(directory, k).read_bytes()
        except OSError:
            data = None
    if data is None:
        stats["misses"] += 1
        data = pickle.dumps(_migrate(source, path, options))
        if directory:
            tmp = Path(directory, f"{k}.{os.getpid()}.tmp")
            try:
                tmp.write_bytes(data)
                os.replace(tmp, Path(directory, k))
            except OSError:
                pass
    else:
        stats["hits"] += 1
    _memory[k] = data
    return pickle.loads(data)


def migrate_file(path: Path, fixes: bool = True) -> FileResult:
    """A fixture file migrated as the corpus test's runner migrates it (its full path)."""
    return migrate_source(path.read_text(encoding="utf-8"), str(path), Options(fixes=fixes))


def cli(*args) -> tuple[int, str]:
    """The command line (``migrator.cli.main``, ``--jobs 1``) in this process, its output
    captured, each file's migration from the cache: for tests that read what the CLI wrote
    (outputs, report); the process boundary itself is tested in test_cli*.py."""
    import contextlib
    import io

    import pytest

    from migrator.cli import main

    buf = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        mp.setattr(engine, "migrate_source", migrate_source)
        rc = main([str(a) for a in args] + ["--jobs", "1"])
    return rc, buf.getvalue()
