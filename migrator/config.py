"""``[tool.tflearn-migrate]`` in pyproject.toml: project defaults for the migration options.

The nearest ``pyproject.toml`` at or above the first PATH (``--stdin-filename`` or the
current directory for stdin) that has a ``[tool.tflearn-migrate]`` table is used; options given on the command line
override it. Unknown keys and wrong types are errors (exit 2), never ignored silently::

    [tool.tflearn-migrate]
    select = ["TFM1", "TFM2"]       # rule IDs or prefixes (a comma string works too)
    ignore = ["TFM303"]
    no-fixes = false                # faithful translation only
    unsafe-fixes = false            # also the unsafe fixes
    fix = ["TFM301"]                # these fixes even if unsafe
    jobs = 4
    strict = false                  # exit 4 when TODO markers remain
    exclude = ["build/*", "*_pb2.py"]   # globs on paths relative to each PATH, or on names
    helpers = "auto"                # inline | module | package | auto (module when a PATH is a directory)
    format = true                   # run your formatter over each migrated file (--format)
    formatter = "ruff"              # auto | ruff | black (--formatter)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .options import HELPER_PLACEMENTS

KEYS = {
    "select": "ids", "ignore": "ids", "fix": "ids",
    "no-fixes": "bool", "unsafe-fixes": "bool", "strict": "bool",
    "jobs": "int", "exclude": "globs", "helpers": "helpers", "format": "bool", "formatter": "formatter",
}


class ConfigError(Exception):
    """A bad ``[tool.tflearn-migrate]`` table: one line, exit 2."""


@dataclass
class Config:
    path: Path | None = None
    values: dict = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.values.get(key, default)


def find_pyproject(start: Path) -> tuple[Path, dict] | None:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.tflearn-migrate]``
    table, with that table (files without one are passed over, like ruff does)."""
    import tomllib

    here = Path(start).resolve() if Path(start).exists() else Path.cwd().resolve()
    if not here.is_dir():
        here = here.parent
    for d in (here, *here.parents):
        cand = d / "pyproject.toml"
        try:
            if not cand.is_file() or b"tflearn-migrate" not in cand.read_bytes():
                continue
            with open(cand, "rb") as fh:
                doc = tomllib.load(fh)
        except OSError:
            continue
        except tomllib.TOMLDecodeError as ex:
            raise ConfigError(f"{cand}: not valid TOML: {ex}") from None
        tool = doc.get("tool")
        if isinstance(tool, dict) and "tflearn-migrate" in tool:
            return cand, tool["tflearn-migrate"]
    return None


def load(start: Path) -> Config:
    found = find_pyproject(start)
    if found is None:
        return Config()
    path, table = found
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.tflearn-migrate] must be a table")
    values = {}
    for key, value in table.items():
        kind = KEYS.get(key)
        if kind is None:
            raise ConfigError(f"{path}: [tool.tflearn-migrate]: unknown key `{key}` "
                              f"(known: {', '.join(sorted(KEYS))})")
        values[key] = _check(path, key, kind, value)
    return Config(path, values)


def _check(path: Path, key: str, kind: str, value):
    where = f"{path}: [tool.tflearn-migrate] {key}"
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        return value
    if kind == "helpers":
        if value not in HELPER_PLACEMENTS:
            raise ConfigError(f"{where} must be one of " + ", ".join(f'"{h}"' for h in HELPER_PLACEMENTS))
        return value
    if kind == "formatter":
        if value not in ("auto", "ruff", "black"):
            raise ConfigError(f"{where} must be \"auto\", \"ruff\" or \"black\"")
        return value
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where} must be a whole number >= 1")
        return value
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ConfigError(f"{where} must be a list of strings")
    items = [v.strip() for v in items if v.strip()]
    return [v.upper() for v in items] if kind == "ids" else items
