"""Output planning: every destination is resolved and checked before anything is written.

Refused (``UsageError``: one line, exit 2, nothing written):

* an output that is an input, or an ``--out`` directory inside an input directory (its files
  would be inputs and outputs at once: ``tflearn-migrate t --out t/models``);
* two inputs that would be written to the same output (``a/models b/models --out X``);
* an output that exists already, unless ``--force`` (then it is replaced atomically; a
  symlink there is replaced by the file, never written through);
* a directory on the way to an output that is a symlink (never written through) or a file;
* a ``--report`` that is an input, a directory, in a missing or unwritable directory.
"""
from __future__ import annotations

import difflib
import os
import shutil
import stat
from pathlib import Path

from . import fileio
from .runner import RunResult, SourceFile, UsageError, WriteError


def _abs(p: Path) -> Path:
    return Path(os.path.abspath(p))


def _real(p: Path) -> str:
    """The real path of ``p`` without following ``p`` itself if it is a symlink."""
    p = _abs(p)
    return os.path.join(os.path.realpath(p.parent), p.name)


def default_output(root: Path) -> Path:
    """DIR -> DIR_keras next to it, FILE.py -> FILE_keras.py (``.`` -> ../NAME_keras)."""
    if root.is_dir():
        if root.name in ("", ".", ".."):
            a = _abs(root)
            if not a.name:
                raise UsageError(f"{root}: cannot name a default output for it; use --out DIR")
            return a.with_name(a.name + "_keras")
        return root.with_name(root.resolve().name + "_keras")
    return root.with_name(root.stem + "_keras" + root.suffix)


def output_roots(paths: list[Path], out: Path | None) -> dict[int, Path]:
    outputs: dict[int, Path] = {}
    if out is not None and (out.exists() or out.is_symlink()) and not out.is_dir():
        if len(paths) != 1 or paths[0].is_dir():
            raise UsageError(f"--out {out}: exists and is not a directory")
    for i, p in enumerate(paths):
        if out is None:
            outputs[i] = default_output(p)
        elif len(paths) == 1 and p.is_dir():
            outputs[i] = out
        elif len(paths) == 1 and (out.is_dir() or not (
                out.suffix in (".py", ".pyw", ".ipynb") or out.suffix == p.suffix or out.exists())):
            outputs[i] = out / p.name
        elif len(paths) == 1:
            outputs[i] = out
        else:
            name = _abs(p).name
            if not name:
                raise UsageError(f"{p}: cannot name its output under --out; name a subdirectory")
            outputs[i] = out / name
        if _real(outputs[i]) == _real(p) or os.path.realpath(outputs[i]) == os.path.realpath(p):
            raise UsageError(f"{p}: output would overwrite the input; use --in-place for that")
    for i, o in outputs.items():
        ro = os.path.realpath(o)
        for p in paths:
            if p.is_dir():
                rp = os.path.realpath(p)
                if ro == rp or ro.startswith(rp.rstrip(os.sep) + os.sep):
                    raise UsageError(f"output {o} is inside the input {p}: its files would be read as "
                                     "inputs and overwritten; choose an output outside it")
    return outputs


def dedupe(files: list[SourceFile]) -> list[SourceFile]:
    """A file named twice (``dir dir/a.py``) is migrated once."""
    seen: set[str] = set()
    out = []
    for f in files:
        key = os.path.realpath(f.path) if f.kind != "link" else _real(f.path)
        if key in seen and f.result is None:
            continue
        seen.add(key)
        out.append(f)
    return out


def _dest(f: SourceFile, roots: list[Path], outputs: dict[int, Path]) -> Path:
    root_out = outputs[f.root_index]
    return root_out / f.rel if roots[f.root_index].is_dir() else root_out


def plan(files: list[SourceFile], roots: list[Path], outputs: dict[int, Path], *, force: bool) -> None:
    """Set ``f.dest`` for every file that will be written; refuse unsafe plans."""
    inputs = {_real(f.path): f for f in files}
    inputs.update({os.path.realpath(f.path): f for f in files if f.kind != "link"})
    by_dest: dict[str, SourceFile] = {}
    dirs: dict[str, SourceFile] = {}
    existing: list[Path] = []
    for f in files:
        if f.kind == "skip":
            continue
        f.dest = _dest(f, roots, outputs)
        key = _real(f.dest)
        if key in inputs or os.path.realpath(f.dest) in inputs:
            raise UsageError(f"{f.dest}: output would overwrite the input {inputs.get(key, f).path}; "
                             "choose another --out (or use --in-place)")
        if key in by_dest:
            raise UsageError(f"{by_dest[key].path} and {f.path} would both be written to {f.dest}; "
                             "migrate them separately or to different --out directories")
        by_dest[key] = f
        for parent in Path(key).parents:
            dirs.setdefault(str(parent), f)
        if os.path.lexists(f.dest):
            existing.append(f.dest)
        _check_parents(f.dest, outputs[f.root_index])
    for key, f in by_dest.items():
        if key in dirs:
            raise UsageError(f"{f.path} would be written to {f.dest}, where {dirs[key].path} needs a "
                             "directory; migrate them separately")
    if existing and not force:
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise UsageError(f"{existing[0]}{more} already exist{'s' if not more else ''}; nothing was "
                         f"written - use --force to replace {'them' if more else 'it'}, or choose "
                         "another --out")
    for f in files:
        if f.dest is not None and os.path.lexists(f.dest) and os.path.isdir(f.dest) \
                and not os.path.islink(f.dest):
            raise UsageError(f"{f.dest} is a directory; cannot replace it by {f.path}")


def _check_parents(dest: Path, root_out: Path) -> None:
    """No directory between the output root and ``dest`` may be a symlink or a file (the
    output root itself may be a link the user named)."""
    root_out, d = _abs(root_out), _abs(dest).parent
    while d != root_out and root_out in d.parents:
        if os.path.islink(d):
            raise UsageError(f"{d} is a symbolic link inside the output tree; refusing to write "
                             "through it")
        if os.path.lexists(d) and not os.path.isdir(d):
            raise UsageError(f"{d} exists and is not a directory; cannot write {dest}")
        d = d.parent
    a = d
    while not os.path.lexists(a) and a != a.parent:
        a = a.parent
    if not os.path.isdir(a):
        raise UsageError(f"{a} exists and is not a directory; cannot write {dest}")


def check_report(report: Path, files: list[SourceFile], mode: str,
                 outputs: dict[int, Path] | None = None) -> None:
    """Before anything is written: the report must be writable and must not clobber input."""
    key = _real(report)
    for f in files:
        if (_real(f.path) == key or os.path.realpath(f.path) == os.path.realpath(report)) \
                and not _our_report(report):
            raise UsageError(f"--report {report} would overwrite the input {f.path}")
        if f.dest is not None and (_real(f.dest) == key):
            raise UsageError(f"--report {report} would overwrite the output for {f.path}")
    if os.path.isdir(report):
        raise UsageError(f"--report {report} is a directory")
    parent = _abs(report).parent
    if not parent.is_dir():
        roots = [_abs(o) for o in (outputs or {}).values()]
        if not any(parent == r or r in parent.parents for r in roots):
            raise UsageError(f"--report {report}: directory {parent} does not exist")
        return  # inside an --out tree this run creates (checked by plan())
    if os.path.islink(report):
        raise UsageError(f"--report {report} is a symbolic link; not written through")
    try:  # a real write test (access() says yes to root on a read-only file system)
        if os.path.lexists(report):
            with open(report, "r+b"):
                pass
        else:
            fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.close(fd)
            os.unlink(report)
    except OSError as ex:
        raise UsageError(f"--report {report}: cannot write ({ex.strerror})") from None


def _our_report(path: Path) -> bool:
    """A report an earlier run wrote (may be replaced even where it sits in the input tree)."""
    try:
        head = fileio.read_regular(path, limit=200)
    except OSError:
        return False
    return head.startswith(b"# tflearn-migrate report") or b'"tool": "tflearn-migrate"' in head


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff that ``patch``/``git apply`` accept, "\\ No newline at end of file"
    included; line endings (CRLF) are kept in the diff lines."""
    out = []
    for line in difflib.unified_diff(_lines(old), _lines(new), fromfile=path, tofile=path):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines as ``patch`` sees them: split at "\\n" only (str.splitlines also splits at form
    feeds, "\\r" and U+2028, which would make the diff lie)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def write_outputs(result: RunResult) -> None:
    """--out mode: write every planned destination (atomic per file)."""
    from .runner import check_stop

    made: set[str] = set()
    for f in result.files:
        check_stop()
        if f.dest is None:
            continue
        dest = f.dest
        try:
            parent = str(_abs(dest).parent)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            if f.kind == "link":
                target = os.readlink(f.path)
                if os.path.lexists(dest):
                    os.unlink(dest)
                os.symlink(target, dest)
            elif f.new is not None:
                fileio.atomic_write(dest, f.new, mode_from=f.st, replace_link=True)
            elif f.raw is not None:
                fileio.atomic_write(dest, f.raw, mode_from=f.st, replace_link=True)
            elif f.kind in ("python", "notebook"):
                continue  # could not be read: reported (TFM006), nothing to copy
            else:
                try:
                    src = open(f.path, "rb", opener=lambda p, fl: os.open(p, fl | os.O_NONBLOCK))
                except OSError as ex:
                    from .runner import _tool

                    f.result = _tool(str(f.path), "TFM006", f"cannot read ({ex.strerror}): not copied",
                                     "failed")
                    continue
                with src:
                    _atomic_copy(src, f.path, dest)
            result.written += 1
        except OSError as ex:
            raise WriteError(f"cannot write {dest}: {ex.strerror or ex}") from None


def _atomic_copy(fsrc, src: Path, dest: Path) -> None:
    import tempfile

    if not stat.S_ISREG(os.fstat(fsrc.fileno()).st_mode):
        raise OSError(0, f"{src} is not a regular file")
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}{fileio.TEMP_TAG}", suffix=".tmp", dir=dest.parent)
    fileio._TEMPS.add(tmp)
    try:
        with os.fdopen(fd, "wb") as fdst:
            shutil.copyfileobj(fsrc, fdst)
        shutil.copystat(src, tmp)
        os.replace(tmp, dest)
        fileio._TEMPS.discard(tmp)
    finally:
        if tmp in fileio._TEMPS:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            fileio._TEMPS.discard(tmp)
