"""Migrate every .py file under the given directories as it is (clones of public repositories:
never commit them), in both modes, then migrate each output again. Prints one line per problem:

    CRASH    the engine raised
    NOPARSE  the output does not parse
    NONIDEM  the second run changed the output
    UNDEF    the output reads a name the input did not already read unbound

and a final count. A file that does not parse itself (Python 2) is left unchanged by the engine
and not counted as a problem. In-process and one file at a time:

    python scripts/sweep_real_files.py /tmp/clones [MORE_DIRS ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import libcst as cst  # noqa: E402

from migrator.engine import migrate_source  # noqa: E402
from migrator.options import Options  # noqa: E402
from tests.outputs import undefined_names  # noqa: E402


def sweep(dirs: list[str]) -> int:
    problems = runs = 0
    for root in dirs:
        for path in sorted(Path(root).rglob("*.py")):
            try:
                src = path.read_text()
            except (OSError, UnicodeDecodeError):
                continue
            for fixes in (True, False):
                runs += 1
                try:
                    first = migrate_source(src, str(path), Options(fixes=fixes))
                except Exception as ex:  # a crash is what the sweep looks for
                    print("CRASH", path, fixes, repr(ex)[:200])
                    problems += 1
                    continue
                out = first.code if first.code is not None else src
                if out == src:
                    continue
                try:
                    cst.parse_module(out)
                except cst.ParserSyntaxError:
                    print("NOPARSE", path, fixes)
                    problems += 1
                    continue
                second = migrate_source(out, str(path), Options(fixes=fixes))
                if second.code is not None and second.code != out:
                    print("NONIDEM", path, fixes)
                    problems += 1
                new = set(undefined_names(out)) - set(undefined_names(src))
                if new:
                    print("UNDEF", path, fixes, sorted(new)[:5])
                    problems += 1
    print(f"{runs} migrations, {problems} problems")
    return problems


if __name__ == "__main__":
    sys.exit(1 if sweep(sys.argv[1:]) else 0)
