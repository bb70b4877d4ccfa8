"""Migrate trees of files: staging, libcst's parallel runner, and writing results.

Every mode works the same way up to the end: the Python files that pass the preflight
(UTF-8, parses) are copied into a private staging directory and libcst's
``parallel_exec_transform_with_prettyprint`` rewrites the staged copies (``--jobs`` worker
processes). Each worker leaves a JSON sidecar with the file's diagnostics. Only then are
results written, by mode:

* ``out``: a migrated copy of the tree (non-Python files, failed files and symlinks are
  copied unchanged);
* ``in-place``: changed files are replaced atomically (temp file + ``os.replace``);
* ``diff`` / ``check``: nothing is written.

So a crash half-way never leaves a half-written user file.
"""
from __future__ import annotations

import contextlib
import dataclasses
import difflib
import io
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from libcst.codemod import parallel_exec_transform_with_prettyprint

from .diagnostics import Diagnostic, FileResult, Kind, Severity
from .engine import RunnerCommand
from .options import Options
from .preflight import Reject, check_syntax, read_source
from .progress import Reporter, hooked, progress_mode

SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox",
             ".venv", "venv", ".eggs", "node_modules"}


@dataclass
class SourceFile:
    path: Path            # where it is
    rel: Path             # path relative to its input root
    root_index: int
    is_python: bool
    is_link: bool
    staged: Path | None = None
    text: str | None = None
    result: FileResult | None = None


@dataclass
class RunResult:
    files: list[SourceFile] = field(default_factory=list)
    outputs: dict[int, Path] = field(default_factory=dict)  # root index -> output location
    diffs: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def results(self) -> list[FileResult]:
        return [f.result for f in self.files if f.result is not None]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


class UsageError(Exception):
    pass


def collect(paths: list[Path], exclude: list[Path] = ()) -> tuple[list[SourceFile], list[Path]]:
    files: list[SourceFile] = []
    roots: list[Path] = []
    excl = {p.resolve() for p in exclude}
    for i, p in enumerate(paths):
        if not p.exists() and not p.is_symlink():
            raise UsageError(f"{p}: no such file or directory")
        roots.append(p)
        if p.is_file() or p.is_symlink() and not p.is_dir():
            files.append(SourceFile(p, Path(p.name), i, p.suffix == ".py", p.is_symlink()))
            continue
        for dirpath, dirnames, filenames in os.walk(p, followlinks=False):
            d = Path(dirpath)
            keep = []
            for name in sorted(dirnames):
                full = d / name
                if name in SKIP_DIRS or full.resolve() in excl:
                    continue
                if full.is_symlink():  # never followed: copied as a link
                    files.append(SourceFile(full, full.relative_to(p), i, False, True))
                    continue
                keep.append(name)
            dirnames[:] = keep
            for name in sorted(filenames):
                full = d / name
                files.append(SourceFile(full, full.relative_to(p), i, name.endswith(".py"),
                                        full.is_symlink()))
    return files, roots


def default_output(root: Path) -> Path:
    if root.is_dir():
        return root.with_name(root.resolve().name + "_keras")
    return root.with_name(root.stem + "_keras" + root.suffix)


def run(paths: list[Path], *, mode: str, options: Options, out: Path | None = None,
        jobs: int | None = None, progress: bool | str = False) -> RunResult:
    """Migrate ``paths`` (files and directories). ``mode``: out | in-place | diff | check.
    ``progress``: "bar" | "lines" | "off" (True: "bar", False: "off"), see migrator.progress."""
    import time

    t0 = time.perf_counter()
    if mode not in ("out", "in-place", "diff", "check"):
        raise UsageError(f"unknown mode {mode}")
    outputs: dict[int, Path] = {}
    if mode == "out":
        for i, p in enumerate(paths):
            if out is None:
                outputs[i] = default_output(p)
            elif len(paths) == 1 and (p.is_dir() or out.suffix != ".py"):
                outputs[i] = out if p.is_dir() else out / p.name
            elif len(paths) == 1:
                outputs[i] = out
            else:
                outputs[i] = out / (p.resolve().name if p.is_dir() else p.name)
            if outputs[i].resolve() == p.resolve():
                raise UsageError(f"{p}: output would overwrite the input; use --in-place for that")
    files, roots = collect(paths, exclude=list(outputs.values()))
    result = RunResult(files=files, outputs=outputs)
    with tempfile.TemporaryDirectory(prefix="tflearn-migrate-") as tmp:
        stage, sidecars = Path(tmp, "stage"), Path(tmp, "sidecars")
        sidecars.mkdir()
        staged: list[str] = []
        for f in files:
            if not f.is_python:
                continue
            display = str(f.path)
            try:
                text = read_source(str(f.path))
                check_syntax(text, display)
            except Reject as rej:
                status = "skipped" if rej.rule in ("TFM004", "TFM005") else "failed"
                f.result = FileResult(display, status, [Diagnostic(
                    display, rej.line, 1, rej.rule, rej.reason,
                    Severity.INFO if status == "skipped" else Severity.ERROR, Kind.TOOL)], reason=rej.reason)
                continue
            except OSError as ex:
                f.result = FileResult(display, "failed", [Diagnostic(
                    display, 1, 1, "TFM006", f"cannot read: {ex.strerror}", Severity.ERROR, Kind.TOOL)],
                    reason=f"cannot read: {ex.strerror}")
                continue
            f.text = text
            f.staged = stage / str(f.root_index) / f.rel
            f.staged.parent.mkdir(parents=True, exist_ok=True)
            f.staged.write_text(text, encoding="utf-8")
            staged.append(str(f.staged.resolve()))
        if staged:
            opts = dataclasses.replace(options, sidecar_dir=str(sidecars),
                                       exports=imported_names(f.text for f in files if f.text))
            reporter = Reporter(len(staged), progress_mode(progress))
            with hooked(reporter), _quiet_runner(False):
                parallel_exec_transform_with_prettyprint(
                    RunnerCommand, staged, jobs=max(1, jobs or os.cpu_count() or 1),
                    hide_progress=False, hide_generated=True, hide_blacklisted=True,
                    include_generated=True, codemod_args={"options": opts}, repo_root=None)
            _collect_sidecars(files, sidecars)
        _finish(result, mode, roots)
    result.elapsed = time.perf_counter() - t0
    return result


@contextlib.contextmanager
def _quiet_runner(progress: bool):
    """libcst's runner prints a banner and, for failures, tracebacks; we report from the
    sidecars instead and let only its progress line through."""
    real = sys.stderr

    class Filter(io.TextIOBase):
        def write(self, s: str) -> int:
            if progress and s.startswith("\r\033[2K"):
                real.write(s)
                real.flush()
            return len(s)

    with contextlib.redirect_stderr(Filter()):
        yield


def _collect_sidecars(files: list[SourceFile], sidecars: Path) -> None:
    by_staged = {str(f.staged.resolve()): f for f in files if f.staged is not None}
    for p in sidecars.glob("*.json"):
        data = json.loads(p.read_text(encoding="utf-8"))
        f = by_staged.get(data.pop("staged"))
        if f is None:
            continue
        res = FileResult.from_json(data)
        display = str(f.path)
        res.path = display
        res.diagnostics = [Diagnostic(**{**d.__dict__, "path": display}) for d in res.diagnostics]
        f.result = res
    for f in files:
        if f.staged is not None and f.result is None:
            msg = "the rewriter crashed or libcst could not parse this file; it was left unchanged"
            f.result = FileResult(str(f.path), "failed", [Diagnostic(
                str(f.path), 1, 1, "TFM009", msg, Severity.ERROR, Kind.TOOL)], reason=msg)


def _new_text(f: SourceFile) -> str | None:
    if f.result is None or f.result.status != "migrated" or f.staged is None:
        return None
    return f.staged.read_text(encoding="utf-8")


def _finish(result: RunResult, mode: str, roots: list[Path]) -> None:
    for f in result.files:
        new = _new_text(f)
        if mode in ("diff", "check"):
            if new is not None and mode == "diff":
                result.diffs.append("".join(difflib.unified_diff(
                    f.text.splitlines(keepends=True), new.splitlines(keepends=True),
                    fromfile=str(f.path), tofile=str(f.path))))
            continue
        if mode == "in-place":
            if new is not None:
                _atomic_write(f.path, new)
            continue
        dest_root = result.outputs[f.root_index]
        dest = dest_root if not roots[f.root_index].is_dir() else dest_root / f.rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if f.is_link:
            if dest.is_symlink() or dest.exists():
                dest.unlink()
            os.symlink(os.readlink(f.path), dest)
        elif new is not None:
            _atomic_write(dest, new, mode_from=f.path)
        else:
            shutil.copy2(f.path, dest)


def _atomic_write(path: Path, text: str, mode_from: Path | None = None) -> None:
    src_mode = (mode_from or path).stat().st_mode if (mode_from or path).exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if src_mode is not None:
            os.chmod(tmp, src_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
