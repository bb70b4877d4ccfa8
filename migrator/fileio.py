"""Reading and writing users' files without losing a byte.

* ``decode``: bytes -> text with the file's own encoding (UTF-8 BOM or PEP 263 cookie, as
  Python itself reads it); line endings are kept as they are (no newline translation).
* ``encode``: text -> bytes in that same encoding (BOM included), or ``EncodingError``.
* ``atomic_replace``: temp file in the same directory + ``os.replace``; the target is
  re-checked right before the replace (``expect``: the bytes read at start-up), its mode and,
  where permitted, owner are kept; every temp file is removed on every exit path (an
  exception, KeyboardInterrupt, SIGTERM via ``cleanup_temps``).
"""
from __future__ import annotations

import codecs
import errno
import contextlib
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

TEMP_TAG = ".tflearn-migrate-"
_TEMPS: set[str] = set()   # temp files this process created and has not yet renamed


class EncodingError(Exception):
    """The file cannot be decoded / the new text cannot be encoded in the file's encoding."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class NotRegularError(OSError):
    """A FIFO, socket, device or directory where a regular file was expected."""


class ChangedError(Exception):
    """The file changed (or vanished) after it was read: it is not replaced."""


@dataclass(frozen=True)
class Encoding:
    name: str          # codec name for ``bytes.decode`` ("utf-8-sig" when there is a BOM)
    declared: bool     # a PEP 263 cookie or a BOM said so


def detect(raw: bytes) -> Encoding:
    """The encoding Python uses for this source (BOM, cookie, else UTF-8)."""
    try:
        name, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as ex:
        msg = str(getattr(ex, "msg", ex))
        if "invalid or missing" in msg:  # no cookie and a first line that is not UTF-8
            return Encoding("utf-8", False)
        raise EncodingError(f"bad encoding declaration ({msg}); fix the '# coding:' line",
                            line=1) from None
    declared = raw.startswith(codecs.BOM_UTF8) or name != "utf-8"
    if not declared:
        # tokenize says "utf-8" for a cookie naming utf-8 as well as for no cookie at all
        head = raw.split(b"\n", 2)[:2]
        declared = any(b"coding" in h and h.lstrip().startswith(b"#") for h in head)
    return Encoding(name, declared)


def decode(raw: bytes) -> tuple[str, Encoding]:
    enc = detect(raw)
    try:
        return raw.decode(enc.name), enc
    except UnicodeDecodeError as ex:
        line = raw[: ex.start].count(b"\n") + 1
        what = enc.name.replace("-sig", "")
        hint = ("re-save the file as UTF-8 or add a '# -*- coding: NAME -*-' line naming its encoding"
                if not enc.declared else "the bytes do not match the declared encoding; fix the file")
        raise EncodingError(f"not valid {what} (byte {ex.start}, line {line}): {hint}", line=line) from None


def encode(text: str, enc: Encoding) -> bytes:
    try:
        return text.encode(enc.name)
    except UnicodeEncodeError as ex:
        line = text[: ex.start].count("\n") + 1
        raise EncodingError(f"the migrated code has a character ({text[ex.start]!r}) that "
                            f"{enc.name} cannot hold; left unchanged", line=line) from None


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """Read a regular file without ever blocking on a FIFO or device (O_NONBLOCK + fstat)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularError(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read() if limit is None else fh.read(limit)
    finally:
        os.close(fd)


def cleanup_temps() -> None:
    """Remove every temp file this process still owns (called on every exit path)."""
    for tmp in list(_TEMPS):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _TEMPS.discard(tmp)


def atomic_write(path: Path, data: bytes, *, expect: bytes | None = None,
                 mode_from: os.stat_result | None = None, replace_link: bool = False) -> None:
    """Write ``data`` to ``path`` atomically.

    ``expect``: the bytes ``path`` held when it was read; if it holds anything else now (or is
    gone), ``ChangedError`` and nothing is written. ``mode_from``: stat whose mode (and owner,
    where permitted) the new file takes; default: the existing file's. A symlink at ``path``
    is never written through: it is an error unless ``replace_link`` (then the link itself is
    replaced by the new file)."""
    path = Path(path)
    try:
        old = os.lstat(path)
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISLNK(old.st_mode) and not replace_link:
        raise OSError(0, f"{path} is a symbolic link; not written through")
    if expect is not None:
        if old is None:
            raise ChangedError(f"{path} was deleted during the run; not re-created")
        if not stat.S_ISREG(old.st_mode) or read_regular(path) != expect:
            raise ChangedError(f"{path} changed during the run; left as it is now - run again")
    src = mode_from or (old if old is not None and stat.S_ISREG(old.st_mode) else None)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_TAG}", suffix=".tmp", dir=path.parent)
    _TEMPS.add(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if src is not None:
            os.chmod(tmp, stat.S_IMODE(src.st_mode))
            with contextlib.suppress(OSError):  # owner: where permitted
                if (src.st_uid, src.st_gid) != (os.getuid(), os.getgid()):
                    os.chown(tmp, src.st_uid, src.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if expect is not None:  # last look, as close to the replace as we can get
            try:
                now = os.lstat(path)
            except FileNotFoundError:
                raise ChangedError(f"{path} was deleted during the run; not re-created") from None
            if (now.st_mtime_ns, now.st_size, now.st_ino) != (old.st_mtime_ns, old.st_size, old.st_ino):
                raise ChangedError(f"{path} changed during the run; left as it is now - run again")
        os.replace(tmp, path)
        _TEMPS.discard(tmp)
    finally:
        if tmp in _TEMPS:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            _TEMPS.discard(tmp)
