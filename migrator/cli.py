"""The ``tflearn-migrate`` command line.

    tflearn-migrate PATH... [--out DIR | --in-place | --diff | --check]
                    [--report FILE.json|FILE.md] [--select IDS] [--ignore IDS]
                    [--no-fixes | --unsafe-fixes | --fix IDS] [--jobs N] [--strict] [-q | -v]
    tflearn-migrate rules                      list every rule
    tflearn-migrate compare LEGACY.py [...]    retrain legacy vs migrated (reference suite)
    tflearn-migrate weights CHECKPOINT ...     carry a TF1/tflearn checkpoint to Keras
    tflearn-migrate verify LEGACY.py [...]     prove the migrated model computes the same function
    tflearn-migrate demo                       migrate the bundled reference models and compare

Exit codes (migration): 0 success; 1 ``--check`` found files that would change;
2 usage or I/O error (one line, nothing written); 3 some files could not be migrated (they
were left unchanged); 4 ``--strict`` and TODO markers remain; 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import __version__
from .options import Options

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_FAILED, EXIT_TODO = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143

SUBCOMMANDS = {
    "rules": "list the rules with their IDs, kinds and messages",
    "compare": "retrain a legacy script and its migrated version side by side",
    "suite": "run the whole reference suite",
    "weights": "convert a TF1 / tflearn checkpoint into Keras weights",
    "verify": "check that a migrated model computes the legacy function",
    "legacy-run": "run a legacy tflearn / TF1 script on current TensorFlow (shimmed)",
    "demo": "migrate the bundled legacy reference models and print the comparison",
}


def _ids(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(t.strip().upper() for t in text.split(",") if t.strip())


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage + error)
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


class _Terminated(KeyboardInterrupt):
    """SIGTERM: handled like Ctrl-C (temp files removed, workers stopped)."""


def migrate_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="tflearn-migrate",
        description="Rewrite tflearn / TensorFlow 1 code into Keras 3. With no mode flag a "
                    "migrated copy is written next to each input (DIR_keras/, FILE_keras.py).",
        epilog="Other commands: " + "; ".join(f"{k}: {v}" for k, v in SUBCOMMANDS.items())
               + ". Exit codes: 0 ok, 1 --check found changes, 2 usage or I/O error, "
                 "3 some files failed, 4 --strict and TODOs remain, 130 interrupted.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--out", type=Path, metavar="DIR",
                      help="write the migrated copy here (default: DIR_keras / FILE_keras.py)")
    mode.add_argument("--in-place", action="store_true", help="rewrite files in place (atomically)")
    mode.add_argument("--diff", action="store_true", help="print unified diffs, write nothing")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if any file would change")
    p.add_argument("--report", type=Path, metavar="FILE", help="write a report (.json or .md)")
    p.add_argument("--force", action="store_true",
                   help="--out: replace output files that already exist (never an input)")
    p.add_argument("--clear-outputs", action="store_true",
                   help="notebooks: clear the outputs of the code cells the migration changes")
    p.add_argument("--select", metavar="IDS", help="comma-separated rule IDs or prefixes to run")
    p.add_argument("--ignore", metavar="IDS", help="comma-separated rule IDs or prefixes to skip")
    p.add_argument("--no-fixes", action="store_true",
                   help="faithful translation only: report collapse causes but do not fix them")
    p.add_argument("--unsafe-fixes", action="store_true",
                   help="also apply the unsafe fixes (they change data or hyperparameters: "
                        "rescaling, class weights, learning rate ...); safe fixes apply by default")
    p.add_argument("--fix", metavar="IDS",
                   help="comma-separated FIX rule IDs whose fixes to apply even if unsafe")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes (default: CPU count)")
    p.add_argument("--strict", action="store_true", help="exit 4 if TODO markers remain")
    p.add_argument("--quiet", "-q", action="store_true", help="only errors and the summary line")
    p.add_argument("--verbose", "-v", action="store_true", help="also print info diagnostics")
    p.add_argument("--version", action="version", version=f"tflearn-migrate {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    real_cli = argv is None  # the console script / ``python -m migrator``
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return _subcommand(argv[0], argv[1:])
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 print escaped
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    args = migrate_parser().parse_args(argv)
    from .fileio import cleanup_temps

    def on_term(signum, frame):
        raise _Terminated()

    old_term = None
    try:
        old_term = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread
        pass
    try:
        return migrate_main(args)
    except KeyboardInterrupt as ex:
        cleanup_temps()
        term = isinstance(ex, _Terminated)
        print(f"\ntflearn-migrate: {'terminated' if term else 'interrupted'}; files already "
              "written are complete, the others are unchanged, no temp file is left",
              file=sys.stderr)
        code = EXIT_TERMINATED if term else EXIT_INTERRUPTED
        if real_cli:  # stopped workers' pipes can hold up the interpreter's exit: leave now
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    except OSError as ex:  # an I/O error nothing else caught: one line, no traceback
        cleanup_temps()
        where = f"{ex.filename}: " if ex.filename else ""
        print(f"tflearn-migrate: {where}{ex.strerror or ex}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        cleanup_temps()
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)


def migrate_main(args: argparse.Namespace) -> int:
    from .progress import cli_mode
    from .report import slowest, summarize, table, withheld_line, write_report
    from .runner import UsageError, WriteError, run

    if args.jobs is not None and args.jobs < 1:
        print("tflearn-migrate: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.report is not None and args.report.suffix.lower() not in (".json", ".md", ".markdown"):
        print("tflearn-migrate: --report must end in .json or .md", file=sys.stderr)
        return EXIT_USAGE
    known = _known_ids()
    for flag in ("select", "ignore"):
        for rid in _ids(getattr(args, flag)) or ():
            if not any(k == rid or k.startswith(rid) for k in known):
                print(f"tflearn-migrate: --{flag}: unknown rule {rid} (see `tflearn-migrate rules`)",
                      file=sys.stderr)
                return EXIT_USAGE
    fix_ids = _ids(args.fix) or frozenset()
    if args.no_fixes and (args.unsafe_fixes or fix_ids):
        print("tflearn-migrate: --no-fixes cannot be combined with --unsafe-fixes or --fix",
              file=sys.stderr)
        return EXIT_USAGE
    fixable = _fix_ids()
    for rid in fix_ids:
        if not any(k == rid or k.startswith(rid) for k in fixable):
            print(f"tflearn-migrate: --fix: {rid} is not a rule with a fix (fix rules: "
                  f"{', '.join(sorted(fixable))})", file=sys.stderr)
            return EXIT_USAGE
    options = Options(fixes=not args.no_fixes, select=_ids(args.select),
                      ignore=_ids(args.ignore) or frozenset(), unsafe_fixes=args.unsafe_fixes,
                      fix=fix_ids)
    mode = "in-place" if args.in_place else "diff" if args.diff else "check" if args.check else "out"
    if args.force and mode != "out":
        print("tflearn-migrate: --force only applies to writing a copy (--out / the default)",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        res = run(args.paths, mode=mode, options=options, out=args.out, jobs=args.jobs,
                  progress=cli_mode(args.quiet),
                  force=args.force, clear_outputs=args.clear_outputs, report=args.report)
    except (UsageError, WriteError) as ex:
        print(f"tflearn-migrate: {ex}", file=sys.stderr)
        return EXIT_USAGE
    out_bytes = getattr(sys.stdout, "buffer", None)
    for d, b in zip(res.diffs, res.diff_bytes):
        if out_bytes is not None:  # each file's diff in its own encoding: ``patch`` applies it
            sys.stdout.flush()
            out_bytes.write(b)
            out_bytes.flush()
        else:
            sys.stdout.write(d)
    err = sys.stderr
    for r in sorted(res.results, key=lambda r: r.path):
        for d in r.diagnostics:
            show = (d.severity.value == "error" or (not args.quiet and (
                d.severity.value == "warning" or d.todo or d.fixed or d.withheld or args.verbose)))
            if show:
                print(d.format(), file=err)
    summary = summarize(res.results)
    if args.quiet:
        print(table(summary).splitlines()[0], file=err)
    else:
        print(table(summary), file=err)
    if summary["withheld"]:
        print(withheld_line(summary["withheld"]), file=err)
    if not args.quiet:
        slow = slowest(res.results)
        if slow:
            print(slow, file=err)
        for r in sorted(res.skipped, key=lambda r: r.path):  # nothing is skipped silently
            print(f"skipped {r.path}: {r.reason}", file=err)
        if mode == "out":
            for i, out in sorted(res.outputs.items()):
                print(f"wrote {out}", file=err)
        print(f"done in {res.elapsed:.2f}s", file=err)
    if args.report is not None:
        try:
            write_report(args.report, res.results, mode=mode, fixes=options.fixes, options=options,
                         outputs={str(args.paths[i]): str(o) for i, o in res.outputs.items()})
        except OSError as ex:
            print(f"tflearn-migrate: cannot write --report {args.report}: {ex.strerror or ex}",
                  file=sys.stderr)
            return EXIT_USAGE
    if summary["failed"]:
        return EXIT_FAILED
    if args.check and summary["migrated"]:
        return EXIT_CHANGES
    if args.strict and summary["todo"]:
        return EXIT_TODO
    return EXIT_OK


def _known_ids() -> set[str]:
    from .rules import all_rules

    return {r.ID for r in all_rules()} | {f"TFM0{i:02d}" for i in range(24)}


def _fix_ids() -> set[str]:
    from .diagnostics import Kind
    from .rules import all_rules

    return {r.ID for r in all_rules() if r.KIND is Kind.FIX}


def _subcommand(name: str, argv: list[str]) -> int:
    if name == "rules":
        from .rules import all_rules

        for r in all_rules():
            fix = r.APPLICABILITY.value if r.APPLICABILITY is not None else "-"
            print(f"{r.ID}  {r.KIND.value:9}  {fix:6}  {r.NAME:28}  {r.MESSAGE}")
        return EXIT_OK
    import importlib

    module = {
        "compare": "migrator.reference.cli",
        "suite": "migrator.reference.cli",
        "demo": "migrator.reference.cli",
        "weights": "migrator.weights.cli",
        "verify": "migrator.weights.cli",
        "legacy-run": "migrator.legacy.cli",
    }[name]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as ex:
        print(f"tflearn-migrate {name}: needs the reference extra "
              f"(pip install 'tflearn-migrate[reference]'): {ex}", file=sys.stderr)
        return EXIT_USAGE
    return int(mod.main(name, argv) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
