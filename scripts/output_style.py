"""Measure the migrated code's shape on trees of legacy code (issue 14's output targets):
helper lines per migrated file and lines over 100 columns, inputs against outputs.

    python scripts/output_style.py [DIR ...]        (default: tests/fixtures, reference_models/legacy)

Each DIR is migrated twice with the real CLI into a temp directory (``--out``, default fixes):
``--helpers inline`` (every file carries the helper definitions it needs, as a single-file run
writes them) and ``--helpers module`` (the default for directories: one ``tfm_helpers.py`` per
directory), and ``--helpers package`` (the files import the helpers from the installed tool's
``migrator.runtime``: no helper code in the output). "helper lines per file" counts, per migrated file, the lines of helper definitions
written into it, plus, in module mode, the helpers modules' lines spread over the files that
import them. "long lines" counts lines over 100 columns in the migrated files that are not
also in their inputs (a long line the user wrote stays theirs), and in brackets how many of them
are a TODO(tflearn-migrate) comment line (the layout pass wraps markers at 100 columns too, so
this is 0 unless a marker sits at the end of a compound statement's header)."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from migrator import TODO_MARKER  # noqa: E402
from migrator.helpers import HELPER_MARKER, MODULE_FILE  # noqa: E402


def helper_lines(text: str) -> int:
    """Lines of the helper blocks written into ``text`` (marker to the next top-level statement
    that is not part of a helper)."""
    from migrator.helpers import HELPERS
    from migrator.rules import all_rules

    all_rules()  # the rule modules register their helpers
    n = 0
    for line in text.splitlines():
        if line.startswith(HELPER_MARKER):
            name = line[len(HELPER_MARKER):].strip()
            if name in HELPERS:
                n += HELPERS[name].code.count("\n") + 1
    return n


def measure(src: Path, helpers: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "migrator", str(src), "--out", str(out), "-q",
                        "--helpers", helpers], cwd=ROOT, capture_output=True, text=True)
        files = helper = long_new = long_in = long_todo = 0
        module_lines = 0
        for f in sorted(out.rglob("*.py")):
            if f.name == MODULE_FILE:
                module_lines += len(f.read_text().splitlines())
                continue
            orig = src / f.relative_to(out)
            if not orig.exists():
                continue
            before = orig.read_text(encoding="utf-8", errors="replace")
            after = f.read_text(encoding="utf-8", errors="replace")
            if before == after:
                continue
            files += 1
            helper += helper_lines(after)
            mine = {ln.strip() for ln in before.splitlines()}
            long_in += sum(len(ln) > 100 for ln in before.splitlines())
            new_long = [ln for ln in after.splitlines() if len(ln) > 100 and ln.strip() not in mine]
            long_new += len(new_long)
            # a TODO marker is one comment line above its code (ruff: ignore-overlong-task-comments)
            long_todo += sum(ln.strip().startswith(f"# {TODO_MARKER}") for ln in new_long)
        return {"files": files, "helper_lines": helper + module_lines, "long_in": long_in, "long_new": long_new,
                "long_todo": long_todo}


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or [ROOT / "tests" / "fixtures", ROOT / "reference_models" / "legacy"]
    print(f"{'tree':<40} {'files':>5} {'helper lines/file: inline -> module (cut), package (cut)':>58} "
          f"{'new lines >100 (TODO-marker lines)':>35}")
    for d in dirs:
        a, b, c = measure(d, "inline"), measure(d, "module"), measure(d, "package")
        per = lambda m: m["helper_lines"] / max(m["files"], 1)  # noqa: E731
        cut = lambda m: 100 * (1 - per(m) / per(a)) if per(a) else 0.0  # noqa: E731
        print(f"{str(d)[-40:]:<40} {b['files']:>5} {per(a):>14.1f} -> {per(b):>6.1f} ({cut(b):4.0f}% cut),"
              f" {per(c):>6.1f} ({cut(c):4.0f}% cut) {b['long_new']:>10} ({b['long_todo']}; inputs {b['long_in']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
