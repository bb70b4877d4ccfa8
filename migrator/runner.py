"""Migrate trees of files: collect, plan every output, rewrite (in worker processes), write.

1. ``collect``: every file under the PATHs, classified: Python (``.py``, ``.pyw``, an
   extensionless script with a ``#!...python`` line), notebook (``.ipynb``), other (copied in
   ``--out`` mode), symlink (never followed: copied as a link), or skipped - and anything
   skipped is a result of its own (a FIFO/socket/device, a virtualenv, an unreadable
   directory), so it is listed in the summary and the report.
2. ``planning.plan``: in ``--out`` mode every destination is resolved and checked before
   anything is written (no output overwrites an input, no two outputs collide, no existing
   file is replaced without ``force``, no write goes through a symlink).
3. Each file is read ONCE (bytes; never opening a FIFO), decoded with its own encoding (BOM /
   PEP 263 cookie), syntax-checked; files importing a legacy module are rewritten in worker
   processes (``--jobs``) by ``engine.migrate_source`` - no copies of the sources are staged
   anywhere - and encoded back in the same encoding with the same line endings.
4. Results are written by mode: ``out`` a migrated copy of the tree; ``in-place`` atomic
   replaces, each re-checked against the bytes read in step 3 right before it; ``diff`` /
   ``check`` nothing. Ctrl-C stops the workers at once; temp files are removed on every path.
"""
from __future__ import annotations

import ast
import dataclasses
import fnmatch
import os
import re
import signal
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import fileio
from .diagnostics import Diagnostic, FileResult, Kind, Severity
from .options import HELPER_PLACEMENTS, Options
from .preflight import Reject, check_syntax

# tool metadata and caches: never user code, skipped without a word
QUIET_DIRS = {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
# third-party code: skipped, and listed as skipped
VENV_DIRS = {".venv", "venv", ".tox", ".nox", ".eggs", "node_modules", "site-packages"}
PY_SUFFIXES = (".py", ".pyw")


@dataclass
class SourceFile:
    path: Path            # where it is
    rel: Path             # path relative to its input root
    root_index: int
    kind: str             # python | notebook | other | link | skip
    st: os.stat_result | None = None
    raw: bytes | None = None          # bytes as read (in-place re-checks against them)
    text: str | None = None           # decoded source
    encoding: fileio.Encoding | None = None
    new: bytes | None = None          # migrated bytes (status "migrated")
    new_text: str | None = None
    dest: Path | None = None          # --out: where it goes
    result: FileResult | None = None

    @property
    def is_python(self) -> bool:
        return self.kind == "python"

    @property
    def is_link(self) -> bool:
        return self.kind == "link"


@dataclass
class RunResult:
    files: list[SourceFile] = field(default_factory=list)
    outputs: dict[int, Path] = field(default_factory=dict)  # root index -> output location
    diffs: list[str] = field(default_factory=list)
    diff_bytes: list[bytes] = field(default_factory=list)  # the same, in each file's encoding
    elapsed: float = 0.0
    written: int = 0

    @property
    def results(self) -> list[FileResult]:
        return [f.result for f in self.files if f.result is not None]

    @property
    def skipped(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "skipped"]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


class UsageError(Exception):
    """Bad arguments or a plan that would lose data: one line, exit 2, nothing written."""


class WriteError(Exception):
    """An output could not be written (``--out`` mode): one line, exit 2."""


def _tool(path: str, rule: str, reason: str, status: str, line: int = 1,
          severity: Severity | None = None) -> FileResult:
    sev = severity or (Severity.ERROR if status == "failed" else Severity.INFO)
    return FileResult(path, status, [Diagnostic(path, line, 1, rule, reason, sev, Kind.TOOL)], reason=reason)


# ---------------------------------------------------------------------------------------
# 1. collection
# ---------------------------------------------------------------------------------------

def _is_script(path: Path) -> bool:
    """An extensionless file whose first line is a python shebang."""
    try:
        head = fileio.read_regular(path, limit=256)
    except OSError:
        return False
    first = head.split(b"\n", 1)[0]
    return first.startswith(b"#!") and b"python" in first


def _classify(full: Path, st: os.stat_result) -> str:
    if stat.S_ISLNK(st.st_mode):
        return "link"
    if not stat.S_ISREG(st.st_mode):
        return "skip"
    name = full.name
    if name.endswith(PY_SUFFIXES):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if "." not in name.lstrip(".") and _is_script(full):
        return "python"
    return "other"


def _skip_reason(st: os.stat_result) -> str:
    m = st.st_mode
    what = ("a FIFO" if stat.S_ISFIFO(m) else "a socket" if stat.S_ISSOCK(m)
            else "a device" if stat.S_ISCHR(m) or stat.S_ISBLK(m) else "not a regular file")
    return f"{what}: not read, not copied"


def _link_to_dir(p: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(p).st_mode)
    except (OSError, ValueError):
        return False


def _entry(full: Path, rel: Path, i: int, st: os.stat_result) -> SourceFile:
    kind = _classify(full, st)
    f = SourceFile(full, rel, i, kind, st)
    if kind == "skip":
        f.result = _tool(str(full), "TFM020", _skip_reason(st), "skipped")
    elif kind == "link" and (full.name.endswith(PY_SUFFIXES + (".ipynb",)) or _link_to_dir(full)):
        what = "directory" if _link_to_dir(full) else "file"
        f.result = _tool(str(full), "TFM005", f"symbolic link to a {what}: not followed (copied as a "
                         "link with --out); migrate its target instead", "skipped")
    elif fileio.TEMP_TAG in full.name and full.name.endswith(".tmp"):
        f.kind = "skip"
        f.result = _tool(str(full), "TFM020", "temp file left by an interrupted (killed) "
                         "tflearn-migrate run: not copied; delete it", "skipped")
    return f


def excluded_by(rel: Path, globs) -> bool:
    """``exclude`` globs (pyproject.toml): matched against the path relative to its PATH
    (``build/*``, ``pkg/gen/*.py``) and against the bare name (``*_pb2.py``)."""
    if not globs:
        return False
    posix = rel.as_posix()
    return any(fnmatch.fnmatchcase(posix, g) or fnmatch.fnmatchcase(rel.name, g)
               or fnmatch.fnmatchcase(posix, g.rstrip("/") + "/*") for g in globs)


def collect(paths: list[Path], exclude: list[Path] = (),
            exclude_globs: tuple[str, ...] = ()) -> tuple[list[SourceFile], list[Path]]:
    """Every file under ``paths``. A file matching ``exclude_globs`` is not migrated (it is
    still copied unchanged with ``--out``); a PATH named on the command line always is."""
    files: list[SourceFile] = []
    roots: list[Path] = []
    excl = {os.path.realpath(p) for p in exclude}
    for i, p in enumerate(paths):
        p = Path(p)
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            raise UsageError(f"{p}: no such file or directory") from None
        except OSError as ex:
            raise UsageError(f"{p}: {ex.strerror}") from None
        roots.append(p)
        if stat.S_ISDIR(st.st_mode) or (stat.S_ISLNK(st.st_mode) and p.is_dir()):
            _walk(p, i, files, excl, tuple(exclude_globs))
        else:
            files.append(_entry(p, Path(p.name), i, st))
    return files, roots


def _walk(root: Path, i: int, files: list[SourceFile], excl: set[str], globs: tuple[str, ...] = ()) -> None:
    stack = [root]
    while stack:
        d = stack.pop()
        d_excluded = d is not root and excluded_by(d.relative_to(root), globs)
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as ex:
            f = SourceFile(d, d.relative_to(root), i, "skip")
            f.result = _tool(str(d), "TFM006", f"cannot read directory ({ex.strerror}): its files "
                             "were not migrated; fix its permissions and run again", "failed")
            files.append(f)
            continue
        subdirs = []
        for e in entries:
            full = Path(e.path)
            rel = full.relative_to(root)
            try:
                st = e.stat(follow_symlinks=False)
            except OSError as ex:
                f = SourceFile(full, rel, i, "skip")
                f.result = _tool(str(full), "TFM006", f"cannot read: {ex.strerror}", "failed")
                files.append(f)
                continue
            if stat.S_ISDIR(st.st_mode):
                if e.name in QUIET_DIRS or os.path.realpath(full) in excl:
                    continue
                if e.name in VENV_DIRS or os.path.exists(full / "pyvenv.cfg"):
                    f = SourceFile(full, rel, i, "skip", st)
                    f.result = _tool(str(full), "TFM021", "virtualenv / third-party packages: not "
                                     "migrated, not copied (name it as a PATH to migrate it)", "skipped")
                    files.append(f)
                    continue
                subdirs.append(full)
                continue
            f = _entry(full, rel, i, st)
            if f.kind in ("python", "notebook") and f.result is None and (
                    d_excluded or excluded_by(rel, globs)):
                f.kind = "other"  # excluded: not migrated, copied unchanged with --out
            files.append(f)
        stack.extend(reversed(subdirs))


# ---------------------------------------------------------------------------------------
# 3. reading and rewriting
# ---------------------------------------------------------------------------------------

def _read(f: SourceFile) -> None:
    """Read and decode ``f``; sets f.result for files that are not rewritten."""
    display = str(f.path)
    try:
        f.raw = fileio.read_regular(f.path)
    except fileio.NotRegularError:
        f.result = _tool(display, "TFM020", "not a regular file: not read, not copied", "skipped")
        return
    except OSError as ex:
        f.result = _tool(display, "TFM006", f"cannot read: {ex.strerror}", "failed")
        return
    if f.kind == "notebook":
        try:
            f.text = f.raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            f.result = _tool(display, "TFM002", "notebook is not valid UTF-8; left unchanged", "failed")
        return
    if not f.raw.strip():
        f.result = _tool(display, "TFM004", "empty file: nothing to migrate, copied unchanged", "skipped")
        return
    try:
        f.text, f.encoding = fileio.decode(f.raw)
        check_syntax(f.text, display)
    except fileio.EncodingError as ex:
        f.result = _tool(display, "TFM002", ex.reason, "failed", line=ex.line)
    except Reject as rej:
        f.result = _tool(display, rej.rule, rej.reason, "failed", line=rej.line)


def migrate_bytes(raw: bytes, display: str, options: Options) -> tuple[FileResult, bytes | None]:
    """One Python source given as bytes (stdin): read like a file (BOM, PEP 263 cookie,
    syntax check), migrated, encoded back. Returns the result and the new bytes (None when
    nothing changed or the source could not be migrated)."""
    f = SourceFile(Path(display), Path(display), 0, "python", raw=raw)
    if not raw.strip():
        return _tool(display, "TFM004", "empty input: nothing to migrate", "skipped"), None
    try:
        f.text, f.encoding = fileio.decode(raw)
        check_syntax(f.text, display)
    except fileio.EncodingError as ex:
        return _tool(display, "TFM002", ex.reason, "failed", line=ex.line), None
    except Reject as rej:
        return _tool(display, rej.rule, rej.reason, "failed", line=rej.line), None
    from .engine import has_legacy_import

    if not has_legacy_import(f.text):
        return FileResult(display, "unchanged"), None
    started = time.perf_counter()
    try:
        res = _migrate_python(display, f.text, options)
    except Exception as ex:  # never lose the input over a rewriter bug
        return _tool(display, "TFM009", f"internal error, input left unchanged: "
                     f"{type(ex).__name__}: {ex}", "failed"), None
    res.seconds = time.perf_counter() - started
    new = None
    if res.status == "migrated":
        try:
            new = fileio.encode(res.code or "", f.encoding)
        except fileio.EncodingError as ex:
            res = _tool(display, "TFM002", ex.reason, "failed", line=ex.line)
    res.code = None
    return res, new


def _legacy_star_imports(text: str) -> list[tuple[int, str]]:
    """``from tensorflow.compat.v1 import *`` and the like: (line, module)."""
    out = []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module and \
                node.module.split(".")[0] in ("tensorflow", "tflearn") and \
                any(a.name == "*" for a in node.names):
            out.append((node.lineno, node.module))
    return out


def _migrate_python(display: str, text: str, options: Options) -> FileResult:
    from .engine import migrate_source

    res = migrate_source(text, display, options)
    if options.format_cmd and res.status == "migrated" and res.code:
        from .formatting import FORMAT_ID, format_code

        res.code, why = format_code(res.code, display, options.format_cmd)
        if why is not None:
            res.diagnostics.append(Diagnostic(display, 1, 1, FORMAT_ID, f"--format: {why}; the migration is "
                                              "written unformatted", Severity.WARNING, Kind.TOOL))
    if res.status == "failed" and not res.diagnostics:
        res.diagnostics = [Diagnostic(display, 1, 1, "TFM009", res.reason or "could not be parsed",
                                      Severity.ERROR, Kind.TOOL)]
    if res.status != "failed":
        kept = {m for _, m in _legacy_star_imports(res.code or "")}
        for line, mod in _legacy_star_imports(text):
            if mod in kept:
                res.diagnostics.append(Diagnostic(
                    display, line, 1, "TFM100", f"`from {mod} import *` kept: the names it binds are "
                    "not translated - replace them by hand (import the module and qualify them)",
                    Severity.WARNING, Kind.TRANSLATE, todo=True))
    return res


def _migrate_notebook(display: str, text: str, options: Options, clear_outputs: bool) -> FileResult:
    from . import notebooks

    try:
        prep = notebooks.prepare(text)
    except notebooks.NotebookError as ex:
        return _tool(display, "TFM023", str(ex), "failed")
    from .engine import has_legacy_import

    diags: list[Diagnostic] = []
    for idx in prep.kept:
        diags.append(Diagnostic(f"{display} cell {idx + 1}", 1, 1, "TFM022",
                                "not Python (a cell magic or shell code): cell left as it is",
                                Severity.INFO, Kind.TOOL))
    if not prep.code or not has_legacy_import(prep.code):
        return FileResult(display, "unchanged", diags)
    res = _migrate_python(display, prep.code, options)
    for d in res.diagnostics:
        cell, line = prep.cell_of(d.line)
        diags.append(Diagnostic(**{**d.__dict__, "path": f"{display} cell {cell}", "line": line}))
    res.diagnostics = diags
    if res.status != "migrated":
        return res
    try:
        new, changed = notebooks.rebuild(prep, res.code or "", clear_outputs)
    except notebooks.NotebookError as ex:
        return _tool(display, "TFM009", str(ex), "failed")
    if not changed:
        res.status, res.code = "unchanged", None
        return res
    res.code = new
    res.reason = "cells " + ", ".join(map(str, changed)) + " migrated"
    return res


def _job(job: tuple) -> tuple[int, FileResult]:
    """One file, in a worker process (or in-process for --jobs 1)."""
    index, kind, display, text, options, clear = job
    started = time.perf_counter()
    try:
        if kind == "notebook":
            res = _migrate_notebook(display, text, options, clear)
        else:
            res = _migrate_python(display, text, options)
        res.seconds = time.perf_counter() - started
        return index, res
    except Exception as ex:  # never lose the file over a rewriter bug: keep it unchanged
        return index, _tool(display, "TFM009", f"internal error, file left unchanged: "
                            f"{type(ex).__name__}: {ex}", "failed")


# A stop signal (Ctrl-C, SIGTERM) that arrived during the run. The CLI's handler raises it at
# once; when it lands where Python swallows exceptions (a weakref callback, a __del__: "Exception
# ignored in ..."), the run raises it again after the file being migrated.
_stop: list[BaseException] = []


def request_stop(ex: BaseException) -> None:
    """Called from a signal handler: remember the stop, then raise it."""
    _stop.append(ex)
    raise ex


def check_stop() -> None:
    if _stop:
        raise _stop[0]


def _worker_init() -> None:
    # Ctrl-C goes to the whole process group: the parent stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler: terminate() must kill


def _execute(jobs: list[tuple], n_jobs: int, progress) -> dict[int, FileResult]:
    out: dict[int, FileResult] = {}
    if n_jobs <= 1 or len(jobs) <= 1:
        for j in jobs:
            check_stop()
            i, r = _job(j)
            out[i] = r
            progress(len(out), len(jobs))
        check_stop()
        return out
    # (imported here: multiprocessing is a fifth of a one-file run's start-up)
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    ex = ProcessPoolExecutor(max_workers=min(n_jobs, len(jobs)), initializer=_worker_init)
    try:
        # biggest first: the pool's tail is shortest when large files do not come last
        order = sorted(jobs, key=lambda j: -len(j[3]))
        futures = [ex.submit(_job, j) for j in order]
        for fut in as_completed(futures):
            check_stop()
            i, r = fut.result()
            out[i] = r
            progress(len(out), len(jobs))
        check_stop()
    except BrokenProcessPool:
        for j in jobs:
            if j[0] not in out:
                out[j[0]] = _tool(j[2], "TFM009", "a worker process died (out of memory?) while "
                                  "this file was queued; it was left unchanged", "failed")
    except BaseException:  # KeyboardInterrupt, SIGTERM: stop the workers now, not after the queue
        for proc in list((getattr(ex, "_processes", None) or {}).values()):
            proc.terminate()
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)
    return out


def _progress_printer(progress: bool | str, total: int):
    """``progress(done, total)`` for ``_execute``: migrator.progress's bar / lines / nothing."""
    from .progress import Reporter, progress_mode

    reporter = Reporter(total, progress_mode(progress))

    def show(done: int, total: int) -> None:
        reporter.step(done - reporter.done)
        if done >= total:
            reporter.close()
    return show


# ---------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------

def default_output(root: Path) -> Path:
    from .planning import default_output as d

    return d(root)


def run(paths: list[Path], *, mode: str, options: Options, out: Path | None = None,
        jobs: int | None = None, progress: bool | str = False, force: bool = False,
        clear_outputs: bool = False, report: Path | None = None,
        exclude: tuple[str, ...] = (), helpers: str = "auto") -> RunResult:
    """Migrate ``paths`` (files and directories). ``mode``: out | in-place | diff | check.

    ``helpers``: where the helper definitions migrated files need go (helpers.py): ``inline``
    into each file; ``module`` one ``tfm_helpers.py`` per directory of migrated
    files, which they import; ``package`` none written: the files import them from the installed
    tool (``migrator.runtime``); ``auto`` (default) ``module`` when a PATH is a directory.

    Raises ``UsageError`` (nothing written) for arguments or plans that could lose data and
    ``WriteError`` when an ``--out`` file cannot be written."""
    from . import planning

    t0 = time.perf_counter()
    if mode not in ("out", "in-place", "diff", "check"):
        raise UsageError(f"unknown mode {mode}")
    if helpers not in HELPER_PLACEMENTS:
        raise UsageError(f"unknown helpers placement {helpers} ({', '.join(HELPER_PLACEMENTS)})")
    module_helpers = helpers in ("module", "package") \
        or (helpers == "auto" and any(Path(p).is_dir() for p in paths))
    seen: set[str] = set()
    paths = [Path(p) for p in paths
             if not (os.path.realpath(p) in seen or seen.add(os.path.realpath(p)))]  # `a.py a.py`
    outputs = planning.output_roots(paths, out) if mode == "out" else {}
    files, roots = collect(paths, exclude=list(outputs.values()), exclude_globs=tuple(exclude))
    if mode != "out":
        files = planning.dedupe(files)
    if mode == "out":
        planning.plan(files, roots, outputs, force=force)
    if report is not None:
        planning.check_report(Path(report), files, mode, outputs)
    result = RunResult(files=files, outputs=outputs)

    todo: list[tuple] = []
    for n, f in enumerate(files):
        if f.result is not None or f.kind not in ("python", "notebook"):
            continue
        _read(f)
        if f.result is not None:
            continue
        if f.kind == "python":
            from .engine import has_legacy_import

            if not has_legacy_import(f.text):
                f.result = FileResult(str(f.path), "unchanged")
                continue
        todo.append((n, f.kind, str(f.path), f.text, options, clear_outputs))
    opts = options
    if todo:  # names other files of the run import stay bound (the invariant, analysis/bindings.py)
        opts = dataclasses.replace(options, exports=imported_names(f.text for f in files if f.text))
        # TF1 model classes defined in one file and instantiated in another: both sides
        # translate from the same facts (analysis/modules.py)
        from .analysis.modules import cross_module_classes

        py = [(str(f.path), f.text) for f in files if f.text and f.kind == "python" and f.result is None]
        opts = dataclasses.replace(opts, classes=cross_module_classes(py, opts))
        if module_helpers:
            from .helpers import MODULE_NAME, RUNTIME_MODULE

            mod_opts = dataclasses.replace(
                opts, helpers_module=RUNTIME_MODULE if helpers == "package" else MODULE_NAME)
        todo = [j[:4] + (mod_opts if module_helpers and j[1] == "python" else opts,) + j[5:] for j in todo]
    done = _execute(todo, max(1, jobs or os.cpu_count() or 1), _progress_printer(progress, len(todo)))
    for n, res in done.items():
        f = files[n]
        if res.status == "migrated":
            try:
                new_text = res.code or ""
                f.new = fileio.encode(new_text, f.encoding) if f.kind == "python" else new_text.encode("utf-8")
                f.new_text = new_text
            except fileio.EncodingError as ex:
                res = _tool(str(f.path), "TFM002", ex.reason, "failed", line=ex.line)
        res.code = None
        f.result = res
    if module_helpers and helpers != "package":
        _helper_modules(result, roots, mode, opts)
    _finish(result, mode)
    result.elapsed = time.perf_counter() - t0
    return result


def _inline_helpers(result: RunResult, directory: Path, taken: Path, options: Options) -> None:
    """The helpers module's name is taken by a file of the user's: the migrated files of that
    directory are migrated again with their helpers inline, and told why."""
    from .helpers import imported_helpers

    for f in result.files:
        if f.kind != "python" or f.path.parent != directory or not f.new_text \
                or not imported_helpers(f.new_text):
            continue
        res = _migrate_python(str(f.path), f.text or "", options)
        if res.status == "migrated":
            f.new_text = res.code or ""
            f.new = fileio.encode(f.new_text, f.encoding)
        res.code = None
        res.seconds = f.result.seconds if f.result is not None else None
        res.diagnostics.append(Diagnostic(
            str(f.path), 1, 1, "TFM024", f"{taken} exists and is not a tflearn-migrate helpers module: "
            "not replaced; this file's helpers are written into it instead", Severity.WARNING, Kind.TOOL))
        f.result = res


def _helper_modules(result: RunResult, roots: list[Path], mode: str, inline: Options) -> None:
    """One helpers module per directory whose migrated files import helpers: created, or
    completed (the union of the helpers it has and those now needed) when it exists."""
    from .helpers import MODULE_FILE, closure, imported_helpers, module_source, names_in_module

    needed: dict[str, tuple[SourceFile, set[str]]] = {}
    for f in result.files:
        if f.kind == "python" and f.new_text and f.result is not None and f.result.status == "migrated":
            names = imported_helpers(f.new_text)
            if names:
                needed.setdefault(os.path.realpath(f.path.parent), (f, set()))[1].update(names)
    by_path = {os.path.realpath(f.path): f for f in result.files}
    for d, (user, names) in sorted(needed.items()):
        path = user.path.parent / MODULE_FILE
        have = by_path.get(os.path.realpath(path))
        old = have.text if have is not None else None
        if have is None and os.path.lexists(path):  # on disk, not part of the run (excluded)
            try:
                old = fileio.read_regular(path).decode("utf-8")
            except (OSError, UnicodeDecodeError, fileio.NotRegularError):
                old = ""
        if old is not None and not names_in_module(old) and old.strip():
            _inline_helpers(result, user.path.parent, path, inline)
            continue
        want = set(closure(names)) | set(names_in_module(old or ""))
        if old is not None and want <= set(names_in_module(old)):
            continue
        text = module_source(want)
        if have is None:
            have = SourceFile(path, user.rel.parent / MODULE_FILE, user.root_index, "python",
                              raw=old.encode("utf-8") if old is not None else None, text=old)
            if mode == "out":  # (an existing file there: the plan passed, so --force was given)
                from .planning import _dest

                root = roots[user.root_index]
                have.dest = _dest(have, roots, result.outputs) if root.is_dir() \
                    else result.outputs[user.root_index].parent / MODULE_FILE
            result.files.append(have)
        have.new_text = text
        have.new = text.encode("utf-8")
        if have.encoding is None:
            have.encoding = fileio.decode(have.new)[1]
        have.result = FileResult(str(path), "migrated", reason="helpers module: "
                                 + ", ".join(closure(want)))


def _finish(result: RunResult, mode: str) -> None:
    if mode in ("diff", "check"):
        if mode == "diff":
            from .planning import unified_diff

            for f in sorted(result.files, key=lambda f: str(f.path)):
                if f.new is None:
                    continue
                # the diff of the bytes as they are (BOM, CRLF), in the file's own encoding, so
                # that ``patch`` applies it byte for byte
                codec = f.encoding.name.replace("-sig", "") if f.encoding else "utf-8"
                d = unified_diff((f.raw or b"").decode(codec), f.new.decode(codec), str(f.path))
                result.diffs.append(d)
                result.diff_bytes.append(d.encode(codec, errors="surrogateescape"))
        return
    if mode == "in-place":
        for f in result.files:
            check_stop()
            if f.new is None:
                continue
            try:
                fileio.atomic_write(f.path, f.new, expect=f.raw)
            except fileio.ChangedError as ex:
                f.result = _tool(str(f.path), "TFM007", str(ex), "failed")
                continue
            except OSError as ex:
                f.result = _tool(str(f.path), "TFM006", f"cannot write ({ex.strerror or ex}); "
                                 "left unchanged", "failed")
                continue
            result.written += 1
            if f.st is not None and f.st.st_nlink > 1:
                f.result.diagnostics.append(Diagnostic(
                    str(f.path), 1, 1, "TFM008", f"had {f.st.st_nlink} hard links: only this name "
                    "holds the migrated code, the other names keep the legacy code",
                    Severity.WARNING, Kind.TOOL))
        return
    from .planning import write_outputs

    write_outputs(result)


_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+\.*([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)


def imported_names(texts) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``from X import a, b`` across the files of a run: names other modules import from the
    module whose file stem is X's last component (``*`` for a star import). The invariant
    check (analysis/bindings.py) keeps those names bound at module level."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for m in _FROM_IMPORT.finditer(text):
            stem = m.group(1).rsplit(".", 1)[-1]
            if not stem:
                continue
            for part in m.group(2).strip("()").replace("\\", " ").split(","):
                name = part.split(" as ")[0].strip()
                if name.isidentifier() or name == "*":
                    found.setdefault(stem, set()).add(name)
    return tuple(sorted((k, tuple(sorted(v))) for k, v in found.items()))
