"""The ``tflearn-migrate`` command line.

    tflearn-migrate [migrate] PATH... [--out DIR | --in-place | --diff | --check]
                    [--report FILE.json|FILE.md] [--select IDS] [--ignore IDS]
                    [--no-fixes | --unsafe-fixes | --fix IDS] [--jobs N] [--strict] [-q | -v]
    tflearn-migrate -  [--diff | --check]      stdin -> stdout
    tflearn-migrate rules                      list every rule
    tflearn-migrate compare LEGACY.py [...]    retrain legacy vs migrated (reference suite)
    tflearn-migrate weights CHECKPOINT ...     carry a TF1/tflearn checkpoint to Keras
    tflearn-migrate verify LEGACY.py [...]     prove the migrated model computes the same function
    tflearn-migrate demo                       migrate the bundled reference models and compare

``migrate`` is the default command. A first word that names a command is that command,
unless a file or directory of that name exists and a migration option follows
(``tflearn-migrate rules --diff`` migrates ./rules); ``tflearn-migrate migrate rules`` or
``./rules`` always migrates. Options not given on the command line are read from
``[tool.tflearn-migrate]`` in the nearest pyproject.toml (migrator/config.py).

Exit codes (migration): 0 success; 1 ``--check`` found files that would change;
2 usage or I/O error (one line, nothing written); 3 some files could not be migrated (they
were left unchanged); 4 ``--strict`` and TODO markers remain; 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from pathlib import Path

from . import __version__
from .options import HELPER_PLACEMENTS, Options

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_FAILED, EXIT_TODO = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143

SUBCOMMANDS = {
    "migrate": "migrate files and directories (the default command: `tflearn-migrate PATH...`)",
    "rules": "list the rules with their IDs, kinds and messages",
    "compare": "retrain a legacy script and its migrated version side by side",
    "suite": "run the whole reference suite",
    "weights": "convert a TF1 / tflearn checkpoint into Keras weights",
    "verify": "check that a migrated model computes the legacy function",
    "legacy-run": "run a legacy tflearn / TF1 script on current TensorFlow (shimmed)",
    "demo": "migrate the bundled legacy reference models and print the comparison",
}
# commands whose arguments their own module parses (they need the reference extra)
DELEGATED = {
    "compare": "migrator.reference.cli",
    "suite": "migrator.reference.cli",
    "demo": "migrator.reference.cli",
    "weights": "migrator.weights.cli",
    "verify": "migrator.weights.cli",
    "legacy-run": "migrator.legacy.cli",
}
STDIN = "-"
ROUTING = ("A first word that names a command runs that command, unless a file or directory of "
           "that name exists and a migration option follows it: `tflearn-migrate rules --diff` "
           "migrates ./rules, `tflearn-migrate rules` lists the rules; `tflearn-migrate migrate "
           "rules` or `./rules` always migrates.")


def _ids(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(t.strip().upper() for t in text.split(",") if t.strip())


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage + error)
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


class _Terminated(KeyboardInterrupt):
    """SIGTERM: handled like Ctrl-C (temp files removed, workers stopped)."""


_USAGE = ("%(prog)s [migrate] PATH... [options]\n"
          "       %(prog)s - [--diff | --check] [options] < in.py > out.py\n"
          "       %(prog)s COMMAND [args]    (" + ", ".join(k for k in SUBCOMMANDS if k != "migrate") + ")")
_DESCRIPTION = ("Rewrite tflearn / TensorFlow 1 code into Keras 3. With no mode flag a migrated copy "
                "is written next to each input (DIR_keras/, FILE_keras.py). PATH `-` reads the "
                "source from stdin and writes the migrated source to stdout. Options not given "
                "here are read from [tool.tflearn-migrate] in the nearest pyproject.toml.")
_EPILOG = ("Commands: " + "; ".join(f"{k}: {v}" for k, v in SUBCOMMANDS.items()) + ". " + ROUTING
           + " Exit codes: 0 ok, 1 --check found changes, 2 usage or I/O error, "
             "3 some files failed, 4 --strict and TODOs remain, 130 interrupted.")


def _add_migrate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                   help="files or directories; `-` for stdin (the result goes to stdout)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--out", type=Path, metavar="DIR",
                      help="write the migrated copy here (default: DIR_keras / FILE_keras.py)")
    mode.add_argument("--in-place", action="store_true", help="rewrite files in place (atomically)")
    mode.add_argument("--diff", action="store_true",
                      help="print unified diffs, write nothing (coloured on a terminal unless "
                           "NO_COLOR is set)")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; name each file that would change; exit 1 if any would")
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
    p.add_argument("--helpers", choices=HELPER_PLACEMENTS, default=None,
                   help="where the helper definitions migrated files need go: inline (into each "
                        "file), module (one tfm_helpers.py per directory, imported), package "
                        "(none written: imported from this tool's migrator.runtime, which must "
                        "then be installed where the output runs), auto (default: module when a "
                        "PATH is a directory)")
    p.add_argument("--format", action="store_true", default=None,
                   help="run your formatter over each migrated file (ruff format, else black; with "
                        "your project's settings)")
    p.add_argument("--formatter", choices=("auto", "ruff", "black"), default=None,
                   help="which formatter --format runs (default: auto)")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes (default: CPU count)")
    p.add_argument("--strict", action="store_true", help="exit 4 if TODO markers remain")
    p.add_argument("--stdin-filename", metavar="NAME",
                   help="with PATH `-`: the name to show in diagnostics and diffs (and where to "
                        "look for pyproject.toml)")
    p.add_argument("--no-config", action="store_true",
                   help="ignore [tool.tflearn-migrate] in pyproject.toml")
    p.add_argument("--quiet", "-q", action="store_true", help="only errors and the summary line")
    p.add_argument("--verbose", "-v", action="store_true", help="also print info diagnostics")
    p.add_argument("--version", action="version", version=f"tflearn-migrate {__version__}")


def migrate_parser() -> argparse.ArgumentParser:
    """The migration options on their own (``tflearn-migrate PATH...``)."""
    p = _Parser(prog="tflearn-migrate", usage=_USAGE, description=_DESCRIPTION, epilog=_EPILOG)
    _add_migrate_options(p)
    return p


def command_parser() -> argparse.ArgumentParser:
    """Every command as an argparse subcommand; ``migrate`` takes the migration options.
    The delegated commands (compare, weights, ...) parse their own arguments."""
    top = _Parser(prog="tflearn-migrate", usage=_USAGE, description=_DESCRIPTION, epilog=_EPILOG)
    top.add_argument("--version", action="version", version=f"tflearn-migrate {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    m = sub.add_parser("migrate", help=SUBCOMMANDS["migrate"], prog="tflearn-migrate",
                       usage=_USAGE, description=_DESCRIPTION, epilog=_EPILOG)
    _add_migrate_options(m)
    sub.add_parser("rules", help=SUBCOMMANDS["rules"], prog="tflearn-migrate rules",
                   description=SUBCOMMANDS["rules"])
    for name in DELEGATED:
        d = sub.add_parser(name, help=SUBCOMMANDS[name], prog=f"tflearn-migrate {name}",
                           add_help=False)
        d.add_argument("args", nargs=argparse.REMAINDER)
    return top


def _migrate_option_names() -> set[str]:
    return {o for a in migrate_parser()._actions for o in a.option_strings}


def route(argv: list[str]) -> tuple[str, list[str]]:
    """(command, its arguments). ``migrate`` is the default; a first word naming a command is
    that command unless it exists on disk and a migration option follows (ROUTING)."""
    if not argv or argv[0] not in SUBCOMMANDS:
        return "migrate", argv
    first, rest = argv[0], argv[1:]
    if first == "migrate":
        return "migrate", rest
    if os.path.lexists(first):
        names = _migrate_option_names() - {"-h", "--help", "--version"}
        if any(a.split("=", 1)[0] in names for a in rest if a.startswith("-") and a != STDIN):
            return "migrate", argv
        print(f"tflearn-migrate: note: running the `{first}` command; to migrate the "
              f"{'directory' if os.path.isdir(first) else 'file'} named {first}, use "
              f"`tflearn-migrate migrate {first}` or ./{first}", file=sys.stderr)
    return first, rest


GC_THRESHOLD = 50_000  # allocations between two collections of the youngest generation (CPython: 700)


def main(argv: list[str] | None = None) -> int:
    real_cli = argv is None  # the console script / ``python -m migrator``
    argv = list(sys.argv[1:] if argv is None else argv)
    command, rest = route(argv)
    if command != "migrate":
        if command == "rules":
            command_parser().parse_args([command] + rest)  # -h, or a usage error
        return _subcommand(command, rest)
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 print escaped
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    args = migrate_parser().parse_args(rest)
    from .fileio import cleanup_temps

    from .runner import _stop, request_stop

    _stop.clear()

    def on_term(signum, frame):
        request_stop(_Terminated())

    def on_int(signum, frame):
        request_stop(KeyboardInterrupt())

    # a stop raised inside a finalizer or weakref callback is swallowed by Python and printed as
    # "Exception ignored in ..." with a traceback: the stop is recorded (request_stop) and the run
    # raises it again, so that report is noise - silenced for our own stop exceptions only
    old_hook = sys.unraisablehook

    def unraisable(info):
        if isinstance(info.exc_value, KeyboardInterrupt) and _stop:
            return
        old_hook(info)

    sys.unraisablehook = unraisable
    old_term = old_int = None
    try:
        old_term = signal.signal(signal.SIGTERM, on_term)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when ignored
            old_int = signal.signal(signal.SIGINT, on_int)
    except ValueError:  # not the main thread
        pass
    # the cyclic garbage collector's young generation collected every 50,000 allocations
    # instead of 700: a migration allocates millions of short-lived nodes and few cycles, and
    # each collection of the older generations traverses the whole tree (a 20,000-line file:
    # ~6,000 collections, 5-10% of the CPU; the peak memory is the same). The workers forked
    # for the run inherit it; the caller's setting is restored after the run.
    old_gc = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *old_gc[1:])
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
        _stop.clear()  # (a library caller's next runner.run must not see this run's stop)
        sys.unraisablehook = old_hook
        gc.set_threshold(*old_gc)
        cleanup_temps()
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        if old_int is not None:
            signal.signal(signal.SIGINT, old_int)


class _Usage(Exception):
    """A usage error found while merging options: one line, exit 2."""


def _options(args: argparse.Namespace, cfg) -> tuple[Options, int | None, bool, tuple[str, ...]]:
    """Options from the command line, completed by [tool.tflearn-migrate]: (options, jobs,
    strict, exclude globs). A flag given on the command line wins over the file."""
    src = f"{cfg.path}: [tool.tflearn-migrate]" if cfg.path else ""
    known = _known_ids()

    def ids(flag: str, cli: str | None, key: str) -> frozenset[str] | None:
        if cli is not None:
            got, where = _ids(cli), f"--{flag}"
        elif cfg.get(key) is not None:
            got, where = frozenset(cfg.get(key)), f"{src} {key}"
        else:
            return None
        for rid in got:
            if not any(k == rid or k.startswith(rid) for k in known):
                raise _Usage(f"{where}: unknown rule {rid} (see `tflearn-migrate rules`)")
        return got

    select = ids("select", args.select, "select")
    ignore = ids("ignore", args.ignore, "ignore") or frozenset()
    if args.no_fixes or args.unsafe_fixes or args.fix is not None:  # the command line decides
        no_fixes, unsafe, fix_ids, where = args.no_fixes, args.unsafe_fixes, _ids(args.fix) or frozenset(), "--fix"
    else:
        no_fixes, unsafe = cfg.get("no-fixes", False), cfg.get("unsafe-fixes", False)
        fix_ids, where = frozenset(cfg.get("fix") or ()), f"{src} fix"
    if no_fixes and (unsafe or fix_ids):
        what = "--no-fixes" if args.no_fixes or not cfg.path else f"{src} no-fixes"
        raise _Usage(f"{what} cannot be combined with unsafe fixes or fix")
    fixable = _fix_ids()
    for rid in fix_ids:
        if not any(k == rid or k.startswith(rid) for k in fixable):
            raise _Usage(f"{where}: {rid} is not a rule with a fix (fix rules: "
                         f"{', '.join(sorted(fixable))})")
    format_cmd: tuple[str, ...] = ()
    if args.format or (args.format is None and cfg.get("format", False)):
        from .formatting import FormatterNotFound, resolve

        try:
            format_cmd = resolve(args.formatter or cfg.get("formatter") or "auto")
        except FormatterNotFound as ex:
            raise _Usage(str(ex)) from None
    options = Options(fixes=not no_fixes, select=select, ignore=ignore, unsafe_fixes=unsafe, fix=fix_ids,
                      format_cmd=format_cmd)
    jobs = args.jobs if args.jobs is not None else cfg.get("jobs")
    return options, jobs, args.strict or cfg.get("strict", False), tuple(cfg.get("exclude") or ())


def use_color(stream, env=None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


_COLORS = ((b"+++", b"\x1b[1m"), (b"---", b"\x1b[1m"), (b"@@", b"\x1b[36m"),
           (b"+", b"\x1b[32m"), (b"-", b"\x1b[31m"))


def colorize_diff(data: bytes) -> bytes:
    """ANSI colours for a unified diff: headers bold, hunks cyan, removals red, additions green."""
    out = []
    for line in data.splitlines(keepends=True):
        body = line.rstrip(b"\r\n")
        end = line[len(body):]
        for prefix, code in _COLORS:
            if body.startswith(prefix):
                line = code + body + b"\x1b[0m" + end
                break
        out.append(line)
    return b"".join(out)


def _write_diff(text: str, data: bytes) -> None:
    out_bytes = getattr(sys.stdout, "buffer", None)
    color = use_color(sys.stdout)
    if out_bytes is not None:  # each file's diff in its own encoding: ``patch`` applies it
        sys.stdout.flush()
        out_bytes.write(colorize_diff(data) if color else data)
        out_bytes.flush()
    else:
        sys.stdout.write(colorize_diff(data).decode("utf-8", "replace")
                         if color else text)


def migrate_main(args: argparse.Namespace) -> int:
    from .config import Config, ConfigError, load
    from .progress import cli_mode
    from .report import slowest, write_report
    from .runner import UsageError, WriteError, run

    stdin = any(str(p) == STDIN for p in args.paths)
    if stdin and len(args.paths) > 1:
        print("tflearn-migrate: `-` (stdin) must be the only PATH", file=sys.stderr)
        return EXIT_USAGE
    if stdin and (args.out is not None or args.in_place or args.force or args.clear_outputs):
        print("tflearn-migrate: `-` (stdin) writes to stdout: --out, --in-place, --force and "
              "--clear-outputs do not apply", file=sys.stderr)
        return EXIT_USAGE
    if args.stdin_filename is not None and not stdin:
        print("tflearn-migrate: --stdin-filename needs PATH `-`", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("tflearn-migrate: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.report is not None and args.report.suffix.lower() not in (".json", ".md", ".markdown"):
        print("tflearn-migrate: --report must end in .json or .md", file=sys.stderr)
        return EXIT_USAGE
    try:
        start = Path(args.stdin_filename or ".") if stdin else args.paths[0]
        cfg = Config() if args.no_config else load(start)
        options, jobs, strict, exclude = _options(args, cfg)
    except (ConfigError, _Usage) as ex:
        print(f"tflearn-migrate: {ex}", file=sys.stderr)
        return EXIT_USAGE
    args.strict = strict
    mode = "in-place" if args.in_place else "diff" if args.diff else "check" if args.check else "out"
    if args.force and mode != "out":
        print("tflearn-migrate: --force only applies to writing a copy (--out / the default)",
              file=sys.stderr)
        return EXIT_USAGE
    if stdin:
        if (args.helpers or cfg.get("helpers", "auto")) == "package":
            from dataclasses import replace

            from .helpers import RUNTIME_MODULE

            options = replace(options, helpers_module=RUNTIME_MODULE)
        return _migrate_stdin(args, options, mode)
    try:
        res = run(args.paths, mode=mode, options=options, out=args.out, jobs=jobs,
                  progress=cli_mode(args.quiet), force=args.force,
                  clear_outputs=args.clear_outputs, report=args.report, exclude=exclude,
                  helpers=args.helpers or cfg.get("helpers", "auto"))
    except (UsageError, WriteError) as ex:
        print(f"tflearn-migrate: {ex}", file=sys.stderr)
        return EXIT_USAGE
    for d, b in zip(res.diffs, res.diff_bytes):
        _write_diff(d, b)
    _print_diagnostics(res.results, args)
    if mode == "check" and not args.quiet:  # like black: one line per file that would change
        for r in sorted(res.results, key=lambda r: r.path):
            if r.status == "migrated":
                print(f"would migrate {r.path}", file=sys.stderr)
    summary = _print_summary(res.results, args)
    if not args.quiet:
        slow = slowest(res.results)
        if slow:
            print(slow, file=sys.stderr)
        for r in sorted(res.skipped, key=lambda r: r.path):  # nothing is skipped silently
            print(f"skipped {r.path}: {r.reason}", file=sys.stderr)
        if mode == "out":
            for i, out in sorted(res.outputs.items()):
                print(f"wrote {out}", file=sys.stderr)
        print(f"done in {res.elapsed:.2f}s", file=sys.stderr)
    if args.report is not None:
        try:
            write_report(args.report, res.results, mode=mode, fixes=options.fixes, options=options,
                         outputs={str(args.paths[i]): str(o) for i, o in res.outputs.items()})
        except OSError as ex:
            print(f"tflearn-migrate: cannot write --report {args.report}: {ex.strerror or ex}",
                  file=sys.stderr)
            return EXIT_USAGE
    return _exit_code(summary, args)


def _print_diagnostics(results, args: argparse.Namespace) -> None:
    for r in sorted(results, key=lambda r: r.path):
        for d in r.diagnostics:
            show = (d.severity.value == "error" or (not args.quiet and (
                d.severity.value == "warning" or d.todo or d.fixed or d.withheld or args.verbose)))
            if show:
                print(d.format(), file=sys.stderr)


def _print_summary(results, args: argparse.Namespace) -> dict:
    from .report import summarize, table, withheld_line

    summary = summarize(results)
    print(table(summary).splitlines()[0] if args.quiet else table(summary), file=sys.stderr)
    if summary["withheld"]:
        print(withheld_line(summary["withheld"]), file=sys.stderr)
    return summary


def _exit_code(summary: dict, args: argparse.Namespace) -> int:
    if summary["failed"]:
        return EXIT_FAILED
    if args.check and summary["migrated"]:
        return EXIT_CHANGES
    if args.strict and summary["todo"]:
        return EXIT_TODO
    return EXIT_OK


def _migrate_stdin(args: argparse.Namespace, options: Options, mode: str) -> int:
    """``tflearn-migrate -``: the source from stdin; by default the migrated source (or the
    input itself when nothing changes or it cannot be migrated) to stdout, like black and
    ruff; ``--diff`` the diff, ``--check`` nothing on stdout. Diagnostics go to stderr."""
    from .planning import unified_diff
    from .report import write_report
    from .runner import migrate_bytes

    display = args.stdin_filename or STDIN
    raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    res, new = migrate_bytes(raw, display, options)
    out = getattr(sys.stdout, "buffer", None)
    if mode == "out":
        data = new if new is not None else raw
        if out is not None:
            sys.stdout.flush()
            out.write(data)
            out.flush()
        else:
            sys.stdout.write(data.decode("utf-8", "replace"))
    elif mode == "diff" and new is not None:
        from . import fileio

        codec = "utf-8"
        try:
            _, enc = fileio.decode(raw)
            codec = enc.name.replace("-sig", "")
        except fileio.EncodingError:
            pass
        text = unified_diff(raw.decode(codec), new.decode(codec), display)
        _write_diff(text, text.encode(codec, errors="surrogateescape"))
    _print_diagnostics([res], args)
    if mode == "check" and res.status == "migrated" and not args.quiet:
        print(f"would migrate {display}", file=sys.stderr)
    summary = _print_summary([res], args)
    if args.report is not None:
        try:
            write_report(args.report, [res], mode=mode, fixes=options.fixes, options=options,
                         outputs={})
        except OSError as ex:
            print(f"tflearn-migrate: cannot write --report {args.report}: {ex.strerror or ex}",
                  file=sys.stderr)
            return EXIT_USAGE
    return _exit_code(summary, args)


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

        try:
            for r in all_rules():
                fix = r.APPLICABILITY.value if r.APPLICABILITY is not None else "-"
                print(f"{r.ID}  {r.KIND.value:9}  {fix:6}  {r.NAME:28}  {r.MESSAGE}")
            sys.stdout.flush()
        except BrokenPipeError:  # `tflearn-migrate rules | head`
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    import importlib

    module = DELEGATED[name]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as ex:
        print(f"tflearn-migrate {name}: needs the reference extra "
              f"(pip install 'tflearn-migrate[reference]'): {ex}", file=sys.stderr)
        return EXIT_USAGE
    return int(mod.main(name, argv) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
