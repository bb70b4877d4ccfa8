"""``--format``: the user's formatter run over each migrated file (opt-in).

The migration writes black-style layout for the statements it generates and leaves the user's
own lines as they were; a project that formats with ruff or black can have the whole migrated
file formatted as part of the run, with its own settings (the formatter runs in the file's
directory, so it finds the project's ``pyproject.toml`` / ``ruff.toml``). The formatter reads the
migrated text on stdin; a file it rejects keeps the unformatted migration and gets a TFM025
warning. Only migrated files are formatted: a file the migration does not change is not
reformatted (a second run changes nothing)."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

CHOICES = ("auto", "ruff", "black")
FORMAT_ID = "TFM025"


class FormatterNotFound(Exception):
    pass


def _command(tool: str) -> tuple[str, ...] | None:
    exe = shutil.which(tool)
    if exe:
        return (exe,)
    if importlib.util.find_spec(tool) is not None:
        return (sys.executable, "-m", tool)
    return None


def resolve(choice: str) -> tuple[str, ...]:
    """The command line of the formatter ``choice`` names (auto: ruff, else black), without
    the per-file arguments. Raises FormatterNotFound with a one-line reason."""
    for tool in (("ruff", "black") if choice == "auto" else (choice,)):
        base = _command(tool)
        if base is not None:
            return (*base, "format") if tool == "ruff" else (*base, "-q")
    wanted = "ruff or black" if choice == "auto" else choice
    raise FormatterNotFound(f"--format: {wanted} is not installed (pip install {wanted.split()[0]})")


def format_code(code: str, display: str, command: tuple[str, ...], timeout: float = 60.0) -> tuple[str, str | None]:
    """(formatted code, None), or (``code``, why) when the formatter fails."""
    cwd = os.path.dirname(os.path.abspath(display)) if display and not display.startswith("<") else None
    if cwd is not None and not os.path.isdir(cwd):
        cwd = None
    argv = [*command, "--stdin-filename", display or "stdin.py", "-"]
    try:
        p = subprocess.run(argv, input=code.encode("utf-8"), capture_output=True, timeout=timeout, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired) as ex:
        return code, f"{command[-2] if len(command) > 1 else command[0]} did not run: {ex}"
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return code, f"the formatter failed (exit {p.returncode}): {err[-1] if err else 'no message'}"
    try:
        return p.stdout.decode("utf-8"), None
    except UnicodeDecodeError:
        return code, "the formatter's output is not UTF-8"
