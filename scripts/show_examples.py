"""Print what each rule example migrates to (to review, or to write a new example).

    python scripts/show_examples.py TFM101 [TFM104 ...]
"""
import sys

from migrator.analysis.modules import with_modules
from migrator.engine import migrate_source
from migrator.options import Options
from migrator.rules import all_rules

want = {a.upper() for a in sys.argv[1:]}
for rule in all_rules():
    if want and rule.ID not in want:
        continue
    for i, case in enumerate(rule.INVALID):
        opts = Options(fixes=case.fixes, unsafe_fixes=case.unsafe_fixes, select=frozenset({rule.ID, *rule.REQUIRES, *case.requires}), wrap_lines=False,
                       sort_imports=False)
        res = migrate_source(case.before, "example.py", with_modules(opts, "example.py", case.before, case.modules))
        ok = case.after is None or res.code == case.after
        print(f"===== {rule.ID} invalid[{i}] {'OK' if ok else 'DIFFERS'} status={res.status}")
        print(res.code, end="")
        print("----- diagnostics:", [f"{d.rule}:{d.line} {d.message}" for d in res.diagnostics])
        if not ok:
            print("----- repr:", repr(res.code))
