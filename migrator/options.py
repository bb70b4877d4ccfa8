"""Options that steer one migration run (picklable: they travel to worker processes)."""
from __future__ import annotations

from dataclasses import dataclass, field

# where the helper definitions migrated files need go (--helpers; runner.run)
HELPER_PLACEMENTS = ("auto", "inline", "module", "package")


@dataclass(frozen=True)
class Options:
    fixes: bool = True                      # apply FIX rules (False: --no-fixes, faithful only)
    select: frozenset[str] | None = None    # rule IDs or prefixes to run (None: all)
    ignore: frozenset[str] = field(default_factory=frozenset)
    unsafe_fixes: bool = False              # --unsafe-fixes: apply the unsafe fixes too
    fix: frozenset[str] = field(default_factory=frozenset)  # --fix IDS: these fixes, unsafe or not
    # module-level names other files of the run import, per module file stem ("*": all)
    exports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # TF1 model classes another file of the run instantiates (analysis/modules.ClassFacts)
    classes: tuple = ()
    # helpers (helpers.py) imported from this module next to the file instead of written into
    # it (directory runs: one helpers module per output directory; runner.py writes it), or
    # from the installed tool's migrator.runtime (--helpers package)
    helpers_module: str | None = None
    # the layout pass (engine/layout.py): generated statements wrapped at 100 columns. Rule
    # examples show a rule's translation without it (their cases stay one statement per line)
    wrap_lines: bool = True
    # the import lines the migration added, in isort's place (engine/import_order.py); rule
    # examples leave them where the add pass puts them
    sort_imports: bool = True
    # --format: the formatter's command line (formatting.resolve), run over each migrated file
    format_cmd: tuple[str, ...] = ()

    def exports_of(self, path: str) -> frozenset[str]:
        import os

        stem = os.path.splitext(os.path.basename(path))[0]
        if stem == "__init__":
            stem = os.path.basename(os.path.dirname(os.path.abspath(path)))
        return frozenset(n for mod, names in self.exports if mod == stem for n in names)

    def classes_of(self, path: str):
        """Facts of the classes the module at ``path`` defines for other files of the run."""
        from .analysis.modules import stem_of

        stem = stem_of(path)
        return {c.name: c for c in self.classes if c.module == stem}

    def rule_enabled(self, rule_id: str) -> bool:
        if self.select is not None and not _hit(rule_id, self.select):
            return False
        return not _hit(rule_id, self.ignore)

    def fix_enabled(self, rule_id: str, unsafe: bool) -> bool:
        """May the FIX rule ``rule_id`` change code? Safe fixes: unless --no-fixes. Unsafe
        fixes: only with --unsafe-fixes or when named in --fix (never under --no-fixes)."""
        if not self.fixes:
            return False
        return not unsafe or self.unsafe_fixes or _hit(rule_id, self.fix)


def _hit(rule_id: str, patterns) -> bool:
    return any(rule_id == p or (p and rule_id.startswith(p) and len(p) < len(rule_id)) for p in patterns)
