"""tflearn-migrate: rewrite tflearn / TensorFlow 1 code into Keras 3.

The rewriter (everything under ``migrator`` except ``migrator.legacy``,
``migrator.reference`` and ``migrator.weights``) depends on libcst only and never
imports TensorFlow, tflearn or Keras.
"""

__version__ = "0.1.0"
TODO_MARKER = "TODO(tflearn-migrate)"

__all__ = ["migrate_source", "migrate_paths", "TODO_MARKER", "__version__"]


def migrate_source(source: str, path: str = "<string>", *, fixes: bool = True,
                   unsafe_fixes: bool = False, fix=(), select=None, ignore=(), options=None):
    """Migrate one module's source text; no file is read or written.

    Returns a ``FileResult``: ``.status`` ("migrated", "unchanged" or "failed"), ``.code``
    (the migrated source; the input itself when it failed), ``.diagnostics`` (each with
    ``.rule``, ``.line``, ``.message``, ``.todo``, ``.fixed``) and ``.counts`` (translations
    per rule). ``fixes=False`` is ``--no-fixes``; ``select`` / ``ignore`` / ``fix`` take
    rule IDs or prefixes; ``options`` (a ``migrator.options.Options``) overrides them all."""
    from .engine import migrate_source as _migrate
    from .options import Options

    if options is None:
        options = Options(fixes=fixes, unsafe_fixes=unsafe_fixes, fix=frozenset(fix),
                          select=None if select is None else frozenset(select),
                          ignore=frozenset(ignore))
    return _migrate(source, path, options)


def migrate_paths(paths, *, mode: str = "check", out=None, jobs: int | None = 1, fixes: bool = True,
                  unsafe_fixes: bool = False, fix=(), select=None, ignore=(), exclude=(),
                  force: bool = False, helpers: str = "auto", options=None):
    """Migrate files and directories as the command line does (the runner, no printing).

    ``mode``: "check" (default: write nothing), "diff" (write nothing; ``.diffs`` holds the
    unified diffs), "out" (write a migrated copy: ``out`` or DIR_keras / FILE_keras.py) or
    "in-place". Returns a ``RunResult``: ``.results`` (one ``FileResult`` per file, as for
    ``migrate_source`` but without ``.code``), ``.diffs``, ``.outputs``. Raises
    ``migrator.runner.UsageError`` for a plan that would lose data (nothing is written).
    ``helpers``: where the helpers migrated files need go, as ``--helpers`` ("auto", "inline",
    "module", "package")."""
    from pathlib import Path

    from .options import Options
    from .runner import run

    if options is None:
        options = Options(fixes=fixes, unsafe_fixes=unsafe_fixes, fix=frozenset(fix),
                          select=None if select is None else frozenset(select),
                          ignore=frozenset(ignore))
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return run([Path(p) for p in paths], mode=mode, options=options,
               out=None if out is None else Path(out), jobs=jobs, force=force,
               exclude=tuple(exclude), helpers=helpers)
