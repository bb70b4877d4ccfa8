"""Options that steer one migration run (picklable: they travel to worker processes)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    fixes: bool = True                      # apply FIX rules (TFM2xx/TFM3xx cures)
    select: frozenset[str] | None = None    # rule IDs or prefixes to run (None: all)
    ignore: frozenset[str] = field(default_factory=frozenset)
    sidecar_dir: str | None = None          # where workers drop per-file results
    # module-level names other files of the run import, per module file stem ("*": all)
    exports: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def exports_of(self, path: str) -> frozenset[str]:
        import os

        stem = os.path.splitext(os.path.basename(path))[0]
        if stem == "__init__":
            stem = os.path.basename(os.path.dirname(os.path.abspath(path)))
        return frozenset(n for mod, names in self.exports if mod == stem for n in names)

    def rule_enabled(self, rule_id: str) -> bool:
        def hit(patterns) -> bool:
            return any(rule_id == p or (p and rule_id.startswith(p) and len(p) < len(rule_id)) for p in patterns)

        if self.select is not None and not hit(self.select):
            return False
        return not hit(self.ignore)
